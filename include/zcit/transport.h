/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zcit transport: what a TCP connection is, and what its receive (rx.c)
 * and send (tx.c) halves, its login slot (admit.c) and its timers
 * (conn_timer.c) offer the connection's life (conn.c) and the protocol
 * actions.  See Documentation/design.md for the layers, the state
 * diagram, the lock order and who holds a reference when.
 *
 * The transport knows sockets, PDU framing, digests, the send queue and
 * the io work.  What a PDU means is decided above it, by the protocol
 * actions (ffp.c, ffp_cmd.c) reached through &struct zcit_conn_ops; they
 * answer each received PDU with a &struct zcit_rx_act saying what the
 * transport does next.
 */
#ifndef ZCIT_TRANSPORT_H
#define ZCIT_TRANSPORT_H

#include <linux/crc32c.h>
#include <linux/kref.h>
#include <linux/llist.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/workqueue.h>
#include <linux/socket.h>
#include <linux/mm_types.h>
#include <zcit/zcit.h>
#include <zcit/limits.h>
#include <zcit/pdu.h>
#include <zcit/login.h>
#include <zcit/xfer.h>
#include <zcit/zc.h>

/* The tick: NOP-In pings, timeouts, abort polling (faster during a TMF). */
#define ZCIT_TICK		HZ
#define ZCIT_TICK_TMF		(HZ / 50)

/**
 * enum zcit_conn_state - where a connection is in its life
 * @ZCIT_CONN_ACCEPTED: set up, not yet reachable from its socket
 * @ZCIT_CONN_LOGIN: login phase (holds one of the login slots)
 * @ZCIT_CONN_FFP: Full Feature Phase
 * @ZCIT_CONN_DRAINING: sends what is queued, reads nothing, then closes
 * @ZCIT_CONN_DEAD: closed: the socket is shut, its release runs
 *
 * Changed only by zcit_conn_set_state(), in the connection's io work
 * (and by zcit_conn_accept() before the io work can run).  Read anywhere
 * with zcit_conn_state().
 */
enum zcit_conn_state {
	ZCIT_CONN_ACCEPTED,
	ZCIT_CONN_LOGIN,
	ZCIT_CONN_FFP,
	ZCIT_CONN_DRAINING,
	ZCIT_CONN_DEAD,
};

/* Events for the io work (&struct zcit_conn.events): set, then kick. */
enum zcit_conn_event {
	ZCIT_EV_CLOSE,		/* close, asked from another context */
	ZCIT_EV_LOGIN_TIMEOUT,	/* the login timer fired */
	ZCIT_EV_TICK,		/* the tick timer fired */
	ZCIT_EV_ASK_LOGOUT,	/* send an Async Message asking for logout */
	ZCIT_EV_EVICT,		/* login slot taken back (max_logins) */
	ZCIT_EV_PEER_CLOSED,	/* the socket left ESTABLISHED: FIN or RST */
	ZCIT_EV_DROP_NOTICE,	/* with CLOSE: tell the initiator first */
};

/**
 * enum zcit_sstat - the counters of a session (iscsi_sess_stats/) and of
 *	each of its connections (zcit_stat_conns_show())
 * @ZCIT_SS_CMD_PDUS: SCSI Command PDUs received
 * @ZCIT_SS_RSP_PDUS: SCSI Response PDUs sent
 * @ZCIT_SS_TXDATA: data octets sent (Data-In)
 * @ZCIT_SS_RXDATA: data octets received (immediate data and Data-Out)
 * @ZCIT_SS_DIGEST: PDUs received with a digest error
 * @ZCIT_SS_TIMEOUT: connections ended by a timeout (NOP-In, Data-Out)
 * @ZCIT_NR_SSTATS: how many
 */
enum zcit_sstat {
	ZCIT_SS_CMD_PDUS,
	ZCIT_SS_RSP_PDUS,
	ZCIT_SS_TXDATA,
	ZCIT_SS_RXDATA,
	ZCIT_SS_DIGEST,
	ZCIT_SS_TIMEOUT,
	ZCIT_NR_SSTATS,
};

/**
 * enum zcit_conn_why - why a connection ends
 * @ZCIT_WHY_LOGOUT: the initiator logged out (drain)
 * @ZCIT_WHY_LOGIN_REFUSED: the login failed (drain the Login Response)
 * @ZCIT_WHY_PROTOCOL: a protocol error a Reject answers (Reject, drain)
 * @ZCIT_WHY_DATA_DIGEST: write data failed its digest (Reject, drain)
 * @ZCIT_WHY_BAD_PDU: a PDU that cannot be framed or answered (at once)
 * @ZCIT_WHY_HDR_DIGEST: a header digest error (at once, RFC 7143 7.8)
 * @ZCIT_WHY_PEER: the peer closed or reset the connection (at once)
 * @ZCIT_WHY_SOCKET: a socket error (at once)
 * @ZCIT_WHY_NOMEM: out of memory (at once)
 * @ZCIT_WHY_LOGIN_TIMEOUT: the login took too long (at once)
 * @ZCIT_WHY_NOPIN_TIMEOUT: no answer to a NOP-In ping (at once)
 * @ZCIT_WHY_DATAOUT_TIMEOUT: write data stopped coming (at once)
 * @ZCIT_WHY_TX_STALL: the peer stopped reading what we send (at once)
 * @ZCIT_WHY_CLOSED: the target closed it: TPG, portal, session (at once)
 * @ZCIT_WHY_EVICTED: closed before its first Login request to make room
 *	for another login (at once)
 * @ZCIT_WHY_IDLE: no PDU for its idle timeout (discovery; at once)
 * @ZCIT_NR_WHYS: how many
 */
enum zcit_conn_why {
	ZCIT_WHY_LOGOUT,
	ZCIT_WHY_LOGIN_REFUSED,
	ZCIT_WHY_PROTOCOL,
	ZCIT_WHY_DATA_DIGEST,
	ZCIT_WHY_BAD_PDU,
	ZCIT_WHY_HDR_DIGEST,
	ZCIT_WHY_PEER,
	ZCIT_WHY_SOCKET,
	ZCIT_WHY_NOMEM,
	ZCIT_WHY_LOGIN_TIMEOUT,
	ZCIT_WHY_NOPIN_TIMEOUT,
	ZCIT_WHY_DATAOUT_TIMEOUT,
	ZCIT_WHY_TX_STALL,
	ZCIT_WHY_CLOSED,
	ZCIT_WHY_EVICTED,
	ZCIT_WHY_IDLE,
	ZCIT_NR_WHYS,
};

/**
 * enum zcit_rx_verdict - what the transport does after a PDU handler
 * @ZCIT_RX_NEXT: the PDU is handled: read the next header
 * @ZCIT_RX_DATA: read the data segment, then call &zcit_conn_ops.rx_pdu
 *	(from &zcit_conn_ops.rx_hdr only)
 * @ZCIT_RX_INTO: read the data segment into &zcit_rx_act.dest, once
 *	&zcit_conn_ops.rx_wait says its buffers are there
 * @ZCIT_RX_SKIP: read and drop the data segment
 * @ZCIT_RX_WAIT: not yet: call &zcit_conn_ops.rx_wait when kicked
 * @ZCIT_RX_REJECT: answer with a Reject (&zcit_rx_act.reason), drop the
 *	data segment, go on
 * @ZCIT_RX_FAIL: end the connection (&zcit_rx_act.why, see
 *	zcit_conn_fail())
 */
enum zcit_rx_verdict {
	ZCIT_RX_NEXT,
	ZCIT_RX_DATA,
	ZCIT_RX_INTO,
	ZCIT_RX_SKIP,
	ZCIT_RX_WAIT,
	ZCIT_RX_REJECT,
	ZCIT_RX_FAIL,
};

/**
 * struct zcit_rx_dest - where write data goes
 * @cur: cursor in the buffers' scatterlist (set once they are there)
 * @pos: buffer offset of the next byte
 * @left: data bytes of the PDU still to come
 * @cap: buffer size; bytes past it are dropped
 * @owner: the command, handed back to &zcit_conn_ops.rx_done
 */
struct zcit_rx_dest {
	struct zcit_sg_cur *cur;
	u32 pos;
	u32 left;
	u32 cap;
	void *owner;
};

/**
 * struct zcit_rx_act - a handler's answer
 * @verdict: what to do
 * @reason: ISCSI_REASON_* of a Reject
 * @why: why the connection ends
 * @dest: where the data goes
 */
struct zcit_rx_act {
	enum zcit_rx_verdict verdict;
	u8 reason;
	enum zcit_conn_why why;
	struct zcit_rx_dest dest;
};

/* Receive stages: where the next bytes of the stream go. */
enum zcit_rx_stage {
	ZCIT_RX_BHS,		/* header into rx_hdr */
	ZCIT_RX_AHS,		/* AHS and header digest into rx_hdr */
	ZCIT_RX_PDU,		/* data segment of a control PDU into rx_data */
	ZCIT_RX_HELD,		/* the handler said wait (CmdSN, buffers) */
	ZCIT_RX_SGL,		/* write data into the command's pages */
	ZCIT_RX_TAIL,		/* its padding and data digest */
	ZCIT_RX_DISCARD,	/* bytes to drop */
};

struct zcit_conn;

/**
 * struct zcit_conn_ops - the protocol actions, as the transport sees them
 * @start: a connection was accepted: set up its login (0 or -errno)
 * @rx_next: between PDUs: take up a parked PDU now (put into rx_hdr and
 *	handled, @act set)?  False if there is none
 * @rx_hdr: a header is in (rx_hdr, rx_lens)
 * @rx_pdu: a whole control PDU is in (rx_hdr, rx_data), digests checked
 * @rx_wait: after %ZCIT_RX_WAIT or %ZCIT_RX_INTO: may it go on?
 *	%ZCIT_RX_WAIT again if not
 * @rx_done: the data segment went into @owner's buffers
 * @reject: queue a Reject of the PDU in rx_hdr (0 or -errno)
 * @take: take in what LIO posted (zcit_conn_post())
 * @tx_build: build the next command PDU into txp: 1, 0 (none), -errno
 * @tx_done: txp is all with TCP
 * @tx_more: will a command PDU follow at once (MSG_MORE)?
 * @tick: the tick timer fired: false to close (@why set)
 * @ending: the connection begins to end, for this reason (@text: in
 *	words): count it (at the first zcit_conn_fail() only)
 * @ask_logout: ask the initiator to log out
 * @drop_notice: the target closes the connection in Full Feature Phase
 *	for a teardown (zcit_conn_drop()): tell the initiator first
 *	(zcit_conn_send_last())
 * @drain: the connection is dead: let go of what its commands wait for
 *	(may run several times, until every command is released)
 * @release: the last reference is gone: leave session and TPG
 */
struct zcit_conn_ops {
	int (*start)(struct zcit_conn *conn);
	bool (*rx_next)(struct zcit_conn *conn, struct zcit_rx_act *act);
	void (*rx_hdr)(struct zcit_conn *conn, struct zcit_rx_act *act);
	void (*rx_pdu)(struct zcit_conn *conn, struct zcit_rx_act *act);
	void (*rx_wait)(struct zcit_conn *conn, struct zcit_rx_act *act);
	void (*rx_done)(struct zcit_conn *conn, void *owner);
	int (*reject)(struct zcit_conn *conn, u8 reason);
	void (*take)(struct zcit_conn *conn);
	int (*tx_build)(struct zcit_conn *conn);
	void (*tx_done)(struct zcit_conn *conn);
	bool (*tx_more)(struct zcit_conn *conn);
	bool (*tick)(struct zcit_conn *conn, enum zcit_conn_why *why);
	void (*ending)(struct zcit_conn *conn, enum zcit_conn_why why,
		       const char *text);
	void (*ask_logout)(struct zcit_conn *conn);
	void (*drop_notice)(struct zcit_conn *conn);
	void (*drain)(struct zcit_conn *conn);
	void (*release)(struct zcit_conn *conn);
};

/* Lists LIO's callbacks feed (zcit_conn_post()). */
enum zcit_conn_inbox {
	ZCIT_INBOX_WP,		/* buffers ready for a write (write_pending) */
	ZCIT_INBOX_RSP,		/* a response ready */
	ZCIT_NR_INBOXES,
};

struct zcit_sess;

/**
 * struct zcit_conn - one TCP connection
 *
 * The transport's part:
 * @ops: the protocol actions
 * @ref: see Documentation/design.md, "Lifetime"
 * @state: &enum zcit_conn_state, written under @state_lock
 * @state_lock: serialises state changes
 * @events: &enum zcit_conn_event bits
 * @node: in the list of every connection
 * @login_node: in the list of connections holding a login slot (under
 *	its lock, admit.c)
 * @login_started: a whole first Login request came in
 * @sock: the socket
 * @cpu: CPU its io work runs on (admit.c: zcit_conn_set_cpu())
 * @rx_cpu: CPU its last data arrived on (the socket's data_ready)
 * @rx_cpu_seen: @rx_cpu at the previous tick (io work only)
 * @io_work: receives and sends, budgeted and non-blocking
 * @release_work: lets go of the commands once closed
 * @free_work: frees it once the last reference is gone
 * @released: the release work ran once (release work only)
 * @login_timer: ends a login that takes too long
 * @tick_timer: drives NOP-In pings and abort polling
 * @accepted: jiffies at accept time
 * @last_rx: jiffies when the last PDU header came in
 * @last_tx: jiffies when sending last made progress or had nothing to do
 * @idle_timeout: jiffies without a PDU after which the connection is
 *	closed (0: none; discovery sessions, which get no NOP-In pings)
 * @listen: address of the listening socket it came in through
 * @local: its local address (IPv4 as IPv4 even through [::]); logins are
 *	routed by it (zcit_tiqn_route())
 * @peer: the initiator's address
 * @unserved: no portal of its TPG serves @local any longer; it is to be
 *	closed (under its TPG's conn_lock)
 * @saved_data_ready: the socket's original callbacks
 * @saved_write_space: ditto
 * @saved_state_change: ditto
 * @max_recv_dsl: largest data segment accepted
 * @hdr_digest: HeaderDigest=CRC32C
 * @data_digest: DataDigest=CRC32C
 * @rx_hdr: BHS, AHS and header digest being received
 * @rx_stage: which part is being received
 * @rx_off: bytes of it received
 * @rx_need: bytes of it expected
 * @rx_lens: lengths the BHS announced
 * @rx_bad: the BHS is to be answered with a Reject
 * @rx_data: data segment, padding and data digest
 * @rx_cap: size of @rx_data
 * @rx_dest: where write data goes
 * @rx_crc: running data digest
 * @rx_tail: padding and data digest
 * @rx_discard: bytes to read and drop
 * @rx_fail: why receiving ended the connection (with -ECANCELED)
 * @why: why it ends, from the first zcit_conn_fail() on
 * @scratch: a page to read dropped bytes into
 * @tx_list: &struct zcit_tx waiting to be sent
 * @tx_queued: how many
 * @tx_frag: page_frag cache for headers sent without a copy
 * @txp: the command PDU being sent
 * @inbox: what LIO's callbacks post, by &enum zcit_conn_inbox
 *
 * The protocol actions' part (io work only, unless said otherwise):
 * @login: login state until Full Feature Phase
 * @nacl: node ACL found at login, with a reference, until the session
 *	owns it
 * @tpg: TPG the login resolved to; the connection is on its @conns
 * @tpg_node: in @tpg->conns (under its conn_lock)
 * @sess: its session in Full Feature Phase
 * @sess_node: in @sess->conns (under its lock)
 * @cid: CID
 * @statsn: StatSN of the next response
 * @max_xmit_dsl: largest data segment sent
 * @text_in: a Text request collected over C-bit PDUs
 * @text_out: a Text response handed out over C-bit PDUs
 * @text_ttt: TTT of the Text response under way
 * @xp: the session's values that shape writes
 * @max_burst: MaxBurstLength, the longest Data-In sequence
 * @rx_cmds: writes whose data is still expected
 * @tx_cmds: commands with PDUs to send
 * @rx_cmd: command whose data is being received (or waited for)
 * @tx_cmd: command of txp, when it is its last PDU or an R2T
 * @tx_last: txp is the last PDU of @tx_cmd
 * @ping_sent: jiffies when the NOP-In ping under way was sent
 * @ping_ttt: its TTT
 * @ping_out: a ping waits for its NOP-Out
 * @tmr_pending: TMF requests LIO has not answered
 * @ooo: SCSI Commands parked until their CmdSN's turn
 * @nr_ooo: how many
 * @stats: counters, by &enum zcit_sstat (written by the io work only)
 */
struct zcit_conn {
	const struct zcit_conn_ops *ops;
	struct kref ref;
	enum zcit_conn_state state;
	spinlock_t state_lock;	/* see the kernel-doc above */
	unsigned long events;
	struct list_head node;
	struct list_head login_node;
	bool login_started;
	struct socket *sock;
	int cpu;
	int rx_cpu;
	int rx_cpu_seen;
	struct work_struct io_work;
	struct work_struct release_work;
	struct work_struct free_work;
	bool released;
	struct timer_list login_timer;
	struct timer_list tick_timer;
	unsigned long accepted;
	unsigned long last_rx;
	unsigned long last_tx;
	unsigned long idle_timeout;
	struct sockaddr_storage listen;
	struct sockaddr_storage local;
	struct sockaddr_storage peer;
	bool unserved;
	void (*saved_data_ready)(struct sock *sk);
	void (*saved_write_space)(struct sock *sk);
	void (*saved_state_change)(struct sock *sk);
	u32 max_recv_dsl;
	bool hdr_digest;
	bool data_digest;
	u8 rx_hdr[ZCIT_BHS_LEN + 255 * 4 + ZCIT_DIGEST_LEN];
	enum zcit_rx_stage rx_stage;
	u32 rx_off;
	u32 rx_need;
	struct zcit_pdu_lens rx_lens;
	bool rx_bad;
	u8 *rx_data;
	u32 rx_cap;
	struct zcit_rx_dest rx_dest;
	u32 rx_crc;
	u8 rx_tail[8];
	u32 rx_discard;
	enum zcit_conn_why rx_fail;
	enum zcit_conn_why why;
	struct page *scratch;
	struct list_head tx_list;
	u32 tx_queued;
	struct page_frag_cache tx_frag;
	struct zcit_txpdu txp;
	struct llist_head inbox[ZCIT_NR_INBOXES];

	struct zcit_login *login;
	struct se_node_acl *nacl;
	struct zcit_tpg *tpg;
	struct list_head tpg_node;
	struct zcit_sess *sess;
	struct list_head sess_node;
	u16 cid;
	u32 statsn;
	u32 max_xmit_dsl;
	struct zcit_text_in text_in;
	struct zcit_text_out text_out;
	u32 text_ttt;
	struct zcit_xfer_params xp;
	u32 max_burst;
	struct list_head rx_cmds;
	struct list_head tx_cmds;
	struct zcit_cmd *rx_cmd;
	struct zcit_cmd *tx_cmd;
	bool tx_last;
	unsigned long ping_sent;
	u32 ping_ttt;
	bool ping_out;
	u32 tmr_pending;
	struct list_head ooo;
	u32 nr_ooo;
	u64 stats[ZCIT_NR_SSTATS];
};

/**
 * zcit_conn_state() - a connection's state, from any context
 * @conn: the connection
 *
 * Return: its &enum zcit_conn_state; it may change right after.
 */
static inline enum zcit_conn_state zcit_conn_state(const struct zcit_conn *conn)
{
	return READ_ONCE(conn->state);
}

/* RFC 7143 11.2.3, RFC 3385: CRC32C, sent least significant byte first. */
static inline __le32 zcit_digest(const void *buf, u32 len)
{
	return cpu_to_le32(~crc32c(~0, buf, len));
}

/* admit.c: login slots */
enum zcit_hit zcit_conn_admit(struct zcit_conn *conn);
void zcit_conn_admit_end(struct zcit_conn *conn);
u32 zcit_conn_nr_logins(void);

/* conn_timer.c: timers, and the events the io work acts on */
void zcit_conn_timers_init(struct zcit_conn *conn);
void zcit_conn_login_progress(struct zcit_conn *conn);
bool zcit_conn_events(struct zcit_conn *conn);

/* rx.c: receiving */
int zcit_conn_try_recv(struct zcit_conn *conn);
void zcit_conn_rx_cancel(struct zcit_conn *conn);

/* tx.c: sending */
int zcit_conn_queue_pdu(struct zcit_conn *conn, const void *hdr,
			const void *data, u32 dlen);
u8 *zcit_txp_start(struct zcit_conn *conn);
void zcit_txp_finish(struct zcit_conn *conn, const struct zcit_sg_cur *cur,
		     u32 dlen, u32 pos, u32 sg_len);
int zcit_conn_try_send(struct zcit_conn *conn);
int zcit_conn_send_last(struct zcit_conn *conn, const void *hdr);
bool zcit_conn_tx_pending(struct zcit_conn *conn);
void zcit_conn_tx_free(struct zcit_conn *conn);

#endif /* ZCIT_TRANSPORT_H */
