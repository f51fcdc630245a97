/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zcit: connections (transport) and sessions (LIO glue).
 */
#ifndef ZCIT_CONN_H
#define ZCIT_CONN_H

#include <linux/completion.h>
#include <linux/kref.h>
#include <linux/llist.h>
#include <linux/mm_types.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/workqueue.h>
#include <linux/socket.h>
#include <zcit/zcit.h>
#include <zcit/pdu.h>
#include <zcit/login.h>
#include <zcit/xfer.h>
#include <zcit/zc.h>

struct zcit_cmd;

/**
 * struct zcit_sess - an iSCSI session
 * @se_sess: LIO's view (NULL for a discovery session)
 * @tpg: its TPG (NULL for a discovery session)
 * @kref: one reference per connection, one for the TPG's list
 * @node: in @tpg->sessions
 * @lock: protects @conns, @nr_conns, @exp_cmdsn, @max_cmdsn
 * @conns: its &struct zcit_conn
 * @nr_conns: how many
 * @isid: ISID
 * @tsih: TSIH
 * @sid: LIO Session ID shown in the ACL's info
 * @discovery: SessionType=Discovery
 * @closing: being torn down: no new connection may join
 * @initiator_name: InitiatorName
 * @params: negotiated values
 * @shown: @params as the ACL's param/ shows them
 * @exp_cmdsn: ExpCmdSN
 * @max_cmdsn: MaxCmdSN: moves when a command ends, so that at most
 *	@cmdsn_depth commands are under way
 * @cmdsn_depth: CmdSN window
 * @lio_closed: LIO's close_session() returned (see zcit_sess_end())
 */
struct zcit_sess {
	struct se_session *se_sess;
	struct zcit_tpg *tpg;
	struct kref kref;
	struct list_head node;
	spinlock_t lock;	/* see the kernel-doc above */
	struct list_head conns;
	u32 nr_conns;
	u8 isid[6];
	u16 tsih;
	u32 sid;
	bool discovery;
	bool closing;
	char initiator_name[ZCIT_ISCSI_NAME_MAX + 1];
	struct zcit_sess_params params;
	struct zcit_params shown;
	u32 exp_cmdsn;
	u32 max_cmdsn;
	u32 cmdsn_depth;
	struct completion lio_closed;
};

/* Bits of &struct zcit_conn.flags. */
enum {
	ZCIT_CONN_DEAD,		/* closing: socket callbacks do nothing */
	ZCIT_CONN_KILL,		/* asked to close from another context */
	ZCIT_CONN_TIMEDOUT,	/* the login timer fired */
	ZCIT_CONN_IN_LOGIN,	/* counted in the logins in progress */
	ZCIT_CONN_TICK,		/* the tick timer fired */
	ZCIT_CONN_ASK_LOGOUT,	/* send an Async Message asking for logout */
};

/**
 * struct zcit_conn - one TCP connection
 * @node: in the list of every connection
 * @sock: the socket
 * @flags: ZCIT_CONN_* bits
 * @cpu: CPU its io work runs on
 * @io_work: receives and sends, budgeted and non-blocking
 * @release_work: frees it once closed
 * @login_timer: ends a login that takes too long
 * @accepted: jiffies at accept time
 * @listen: address of the portal it came in through
 * @local: its local address
 * @peer: the initiator's address
 * @saved_data_ready: the socket's original callbacks
 * @saved_write_space: ditto
 * @saved_state_change: ditto
 * @ffp: in Full Feature Phase
 * @close_after_tx: close once everything queued is sent
 * @login: login state until Full Feature Phase
 * @nacl: node ACL found at login, with a reference, until the session
 *	owns it
 * @tpg: TPG the login resolved to; the connection is on its @conns
 * @tpg_node: in @tpg->conns
 * @sess: its session in Full Feature Phase
 * @sess_node: in @sess->conns
 * @cid: CID
 * @statsn: StatSN of the next response
 * @max_recv_dsl: largest data segment accepted
 * @max_xmit_dsl: largest data segment sent
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
 * @tx_list: &struct zcit_tx waiting to be sent
 * @tx_queued: how many
 * @text_in: a Text request collected over C-bit PDUs
 * @text_out: a Text response handed out over C-bit PDUs
 * @text_ttt: TTT of the Text response under way
 * @xp: the session's values that shape writes
 * @max_burst: MaxBurstLength, the longest Data-In sequence
 * @wp_llist: commands LIO has buffers ready for (write_pending)
 * @rsp_llist: commands LIO has a response ready for
 * @rx_cmds: writes whose data is still expected (io work only)
 * @tx_cmds: commands with PDUs to send (io work only)
 * @nr_cmds: commands of this connection not yet released
 * @cmd_lock: orders the last release with the connection's end
 * @cmd_wq: the connection's end waits here for its commands
 * @rx_cmd: command whose data is being received
 * @rx_pos: buffer offset of the next byte
 * @rx_left: data bytes of the PDU still to come
 * @rx_crc: running data digest
 * @rx_tail: padding and data digest
 * @rx_discard: bytes to read and drop
 * @scratch: a page to read dropped bytes into
 * @tx_frag: page_frag cache for headers sent without a copy
 * @txp: the command PDU being sent
 * @tx_cmd: its command, when it is the command's last PDU or an R2T
 * @tx_last: @txp is the last PDU of @tx_cmd
 * @tick_timer: drives NOP-In pings and abort polling
 * @last_rx: jiffies when the last PDU came in
 * @ping_sent: jiffies when the NOP-In ping under way was sent
 * @ping_ttt: its TTT
 * @ping_out: a ping waits for its NOP-Out
 * @tmr_pending: TMF requests LIO has not answered
 * @ooo: SCSI Commands parked until their CmdSN's turn (io work only)
 * @nr_ooo: how many
 */
struct zcit_conn {
	struct list_head node;
	struct socket *sock;
	unsigned long flags;
	int cpu;
	struct work_struct io_work;
	struct work_struct release_work;
	struct timer_list login_timer;
	unsigned long accepted;
	struct sockaddr_storage listen;
	struct sockaddr_storage local;
	struct sockaddr_storage peer;
	void (*saved_data_ready)(struct sock *sk);
	void (*saved_write_space)(struct sock *sk);
	void (*saved_state_change)(struct sock *sk);
	bool ffp;
	bool close_after_tx;
	struct zcit_login *login;
	struct se_node_acl *nacl;
	struct zcit_tpg *tpg;
	struct list_head tpg_node;
	struct zcit_sess *sess;
	struct list_head sess_node;
	u16 cid;
	u32 statsn;
	u32 max_recv_dsl;
	u32 max_xmit_dsl;
	bool hdr_digest;
	bool data_digest;
	u8 rx_hdr[ZCIT_BHS_LEN + 255 * 4 + ZCIT_DIGEST_LEN];
	u8 rx_stage;
	u32 rx_off;
	u32 rx_need;
	struct zcit_pdu_lens rx_lens;
	bool rx_bad;
	u8 *rx_data;
	u32 rx_cap;
	struct list_head tx_list;
	u32 tx_queued;
	struct zcit_text_in text_in;
	struct zcit_text_out text_out;
	u32 text_ttt;
	struct zcit_xfer_params xp;
	u32 max_burst;
	struct llist_head wp_llist;
	struct llist_head rsp_llist;
	struct list_head rx_cmds;
	struct list_head tx_cmds;
	atomic_t nr_cmds;
	spinlock_t cmd_lock;	/* see the kernel-doc above */
	wait_queue_head_t cmd_wq;
	struct zcit_cmd *rx_cmd;
	u32 rx_pos;
	u32 rx_left;
	u32 rx_crc;
	u8 rx_tail[8];
	u32 rx_discard;
	struct page *scratch;
	struct page_frag_cache tx_frag;
	struct zcit_txpdu txp;
	struct zcit_cmd *tx_cmd;
	bool tx_last;
	struct timer_list tick_timer;
	unsigned long last_rx;
	unsigned long ping_sent;
	u32 ping_ttt;
	bool ping_out;
	u32 tmr_pending;
	struct list_head ooo;
	u32 nr_ooo;
};

/* conn.c: the transport */
int zcit_conn_init(void);
void zcit_conn_exit(void);
void zcit_conn_accept(struct socket *sock, const struct sockaddr_storage *listen);
void zcit_conn_kill(struct zcit_conn *conn);
void zcit_conn_request_kill(struct zcit_conn *conn);
void zcit_conn_request_io(struct zcit_conn *conn);
void zcit_conn_set_login_timeout(struct zcit_conn *conn, u32 seconds);
int zcit_conn_queue_pdu(struct zcit_conn *conn, const void *hdr,
			const void *data, u32 dlen);
void zcit_tpg_close_conns(struct zcit_tpg *tpg,
			  const struct sockaddr_storage *portal);
void zcit_conn_cmd_get(struct zcit_conn *conn);
void zcit_conn_cmd_put(struct zcit_conn *conn);
void zcit_conn_cmd_expect_data(struct zcit_conn *conn, struct zcit_cmd *cmd);
void zcit_conn_cmd_ready(struct zcit_cmd *cmd);
void zcit_conn_cmd_write_pending(struct zcit_cmd *cmd);

/* session.c: sessions in LIO */
extern const struct zcit_login_ops zcit_login_ops;
void zcit_sess_release_conn(struct zcit_conn *conn);
void zcit_sess_ack_cmdsn(struct zcit_sess *sess, const struct iscsi_hdr *hdr,
			 bool *drop);
int zcit_sess_take_cmdsn(struct zcit_sess *sess, u32 cmdsn);
void zcit_sess_window_open(struct zcit_sess *sess);
void zcit_sess_close(struct zcit_sess *sess, struct zcit_conn *except);
int zcit_sendtargets(struct zcit_conn *conn, const char *val,
		     struct zcit_text_out *out);
ssize_t zcit_sess_info_show(struct se_node_acl *se_nacl, char *page);
bool zcit_sess_nacl_params(struct se_node_acl *se_nacl, struct zcit_params *out);
u32 zcit_tiqn_nr_sessions(struct zcit_tiqn *tiqn);
void zcit_close_session(struct se_session *se_sess);
u32 zcit_sess_get_index(struct se_session *se_sess);
u32 zcit_sess_get_initiator_sid(struct se_session *se_sess, unsigned char *buf,
				u32 size);

#endif /* ZCIT_CONN_H */
