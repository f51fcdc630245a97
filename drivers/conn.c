// SPDX-License-Identifier: GPL-2.0
/*
 * zcit transport: connections.
 *
 * As in nvmet-tcp, a connection has no threads of its own: the socket's
 * callbacks queue one io work on the CPU the socket lives on, and that
 * work alternates budgeted, non-blocking receive and send passes over
 * resumable state machines.  Login runs in the same work, so a slow or
 * hostile peer never blocks the portal's accept path or another login.
 *
 * Error policy (as FreeBSD's icl_soft): a peer that breaks the protocol
 * in a way a Reject cannot answer gets its connection dropped.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/net.h>
#include <linux/crc32c.h>
#include <linux/atomic.h>
#include <linux/wait.h>
#include <linux/highmem.h>
#include <linux/llist.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <scsi/scsi_proto.h>
#include <target/target_core_base.h>
#include <target/target_core_fabric.h>
#include <target/target_core_backend.h>
#include <zcit/compat.h>
#include <zcit/conn.h>
#include <zcit/cmd.h>

/* Receive or send passes per run of the io work before it requeues. */
#define ZCIT_IO_BUDGET		16
/* Connections that may be logging in at once, over all portals. */
#define ZCIT_MAX_LOGINS		64
/*
 * PDUs queued for sending before the io work stops reading: a peer that
 * sends requests but never reads the answers is throttled by TCP instead
 * of growing our queue.
 */
#define ZCIT_TX_MAX		64
/* R2Ts outstanding per command at most, whatever MaxOutstandingR2T says. */
#define ZCIT_MAX_R2T		16
/* Seconds an initiator asked to log out gets before it is disconnected. */
#define ZCIT_ASYNC_LOGOUT_WAIT	2
/* Login timeout until the TPG is known (attrib/login_timeout default). */
#define ZCIT_LOGIN_TIMEOUT_DEF	15

/* Tick while nothing special happens, and while a TMF is under way. */
#define ZCIT_TICK		HZ
#define ZCIT_TICK_TMF		(HZ / 50)

/* Receive stages: where the next bytes of the stream go. */
enum {
	ZCIT_RX_BHS,		/* header into rx_hdr */
	ZCIT_RX_AHS,		/* AHS and header digest into rx_hdr */
	ZCIT_RX_DATA,		/* data segment of a control PDU into rx_data */
	ZCIT_RX_CMDSN,		/* a SCSI Command waits for its CmdSN */
	ZCIT_RX_WAITBUF,	/* write data waits for its buffers */
	ZCIT_RX_SGL,		/* write data into the command's pages */
	ZCIT_RX_TAIL,		/* its padding and data digest */
	ZCIT_RX_DISCARD,	/* bytes to drop */
};

/**
 * struct zcit_tx - a PDU waiting to be sent
 * @node: in &struct zcit_conn.tx_list
 * @len: its length
 * @off: bytes already sent
 * @buf: header, header digest, data, padding, data digest
 */
struct zcit_tx {
	struct list_head node;
	u32 len;
	u32 off;
	u8 buf[];
};

/**
 * struct zcit_ooo - a SCSI Command that came before its CmdSN's turn
 * @node: in &struct zcit_conn.ooo
 * @cmdsn: its CmdSN
 * @ahs: TotalAHSLength in bytes
 * @hdr: BHS and AHS
 */
struct zcit_ooo {
	struct list_head node;
	u32 cmdsn;
	u32 ahs;
	u8 hdr[];
};

static struct workqueue_struct *zcit_wq;
static atomic_t zcit_logins = ATOMIC_INIT(0);
/* Every connection, so that module unload can close them. */
static LIST_HEAD(zcit_conns);
static DEFINE_SPINLOCK(zcit_conns_lock);
static DECLARE_WAIT_QUEUE_HEAD(zcit_conns_wq);

/* RFC 7143 11.2.3, RFC 3385: CRC32C, sent least significant byte first. */
static __le32 zcit_digest(const void *buf, u32 len)
{
	return cpu_to_le32(~crc32c(~0, buf, len));
}

static void zcit_conn_queue_io(struct zcit_conn *conn)
{
	if (!test_bit(ZCIT_CONN_DEAD, &conn->flags))
		queue_work_on(conn->cpu, zcit_wq, &conn->io_work);
}

/**
 * zcit_conn_request_io() - have the io work of a connection run
 * @conn: the connection; the caller keeps it alive
 */
void zcit_conn_request_io(struct zcit_conn *conn)
{
	zcit_conn_queue_io(conn);
}

static void zcit_sock_data_ready(struct sock *sk)
{
	struct zcit_conn *conn;

	read_lock_bh(&sk->sk_callback_lock);
	conn = sk->sk_user_data;
	if (conn)
		zcit_conn_queue_io(conn);
	read_unlock_bh(&sk->sk_callback_lock);
}

static void zcit_sock_write_space(struct sock *sk)
{
	struct zcit_conn *conn;

	read_lock_bh(&sk->sk_callback_lock);
	conn = sk->sk_user_data;
	if (conn && sk_stream_is_writeable(sk)) {
		clear_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
		zcit_conn_queue_io(conn);
	}
	read_unlock_bh(&sk->sk_callback_lock);
}

static void zcit_sock_state_change(struct sock *sk)
{
	struct zcit_conn *conn;

	read_lock_bh(&sk->sk_callback_lock);
	conn = sk->sk_user_data;
	if (conn && sk->sk_state != TCP_ESTABLISHED) {
		set_bit(ZCIT_CONN_KILL, &conn->flags);
		zcit_conn_queue_io(conn);
	}
	read_unlock_bh(&sk->sk_callback_lock);
}

static void zcit_conn_restore_callbacks(struct zcit_conn *conn)
{
	struct sock *sk = conn->sock->sk;

	write_lock_bh(&sk->sk_callback_lock);
	if (sk->sk_user_data == conn) {
		sk->sk_user_data = NULL;
		sk->sk_data_ready = conn->saved_data_ready;
		sk->sk_write_space = conn->saved_write_space;
		sk->sk_state_change = conn->saved_state_change;
	}
	write_unlock_bh(&sk->sk_callback_lock);
}

static void zcit_conn_end_login(struct zcit_conn *conn)
{
	if (test_and_clear_bit(ZCIT_CONN_IN_LOGIN, &conn->flags))
		atomic_dec(&zcit_logins);
}

/**
 * zcit_conn_kill() - close a connection; it is freed asynchronously
 * @conn: the connection
 *
 * Process context.  Idempotent.
 */
void zcit_conn_kill(struct zcit_conn *conn)
{
	if (test_and_set_bit(ZCIT_CONN_DEAD, &conn->flags))
		return;
	zcit_conn_restore_callbacks(conn);
	kernel_sock_shutdown(conn->sock, SHUT_RDWR);
	queue_work(zcit_wq, &conn->release_work);
}

/**
 * zcit_conn_request_kill() - have a connection closed by its io work
 * @conn: the connection
 *
 * Any context; the caller keeps @conn alive (holds a list lock it is on).
 */
void zcit_conn_request_kill(struct zcit_conn *conn)
{
	set_bit(ZCIT_CONN_KILL, &conn->flags);
	zcit_conn_queue_io(conn);
}

/**
 * zcit_conn_cmd_get() - a command of the connection exists
 * @conn: the connection
 */
void zcit_conn_cmd_get(struct zcit_conn *conn)
{
	atomic_inc(&conn->nr_cmds);
}

/**
 * zcit_conn_cmd_put() - a command of the connection is released
 * @conn: the connection, which may end as soon as the last one is gone
 */
void zcit_conn_cmd_put(struct zcit_conn *conn)
{
	spin_lock_bh(&conn->cmd_lock);
	if (atomic_dec_and_test(&conn->nr_cmds))
		wake_up(&conn->cmd_wq);
	spin_unlock_bh(&conn->cmd_lock);
}

/**
 * zcit_conn_cmd_expect_data() - a write whose data is to come
 * @conn: the connection, in its io work
 * @cmd: the command, not yet submitted
 */
void zcit_conn_cmd_expect_data(struct zcit_conn *conn, struct zcit_cmd *cmd)
{
	set_bit(ZCIT_CMD_RX, &cmd->flags);
	list_add_tail(&cmd->rx_node, &conn->rx_cmds);
}

/**
 * zcit_conn_cmd_ready() - LIO has a response for a command: queue it
 * @cmd: the command (cmd->rsp says which response)
 *
 * Any context.  Called from the connection's own io work (LIO answering
 * within target_submit()), it needs no requeue: the io work takes its
 * lists in again before it stops.
 */
void zcit_conn_cmd_ready(struct zcit_cmd *cmd)
{
	struct zcit_conn *conn = cmd->conn;

	llist_add(&cmd->lnode, &conn->rsp_llist);
	if (test_bit(ZCIT_CONN_DEAD, &conn->flags))
		wake_up(&conn->cmd_wq);
	else if (current_work() != &conn->io_work)
		zcit_conn_queue_io(conn);
}

/**
 * zcit_conn_cmd_write_pending() - LIO has buffers for a write's data
 * @cmd: the command
 *
 * Any context; from the connection's io work, as zcit_conn_cmd_ready().
 */
void zcit_conn_cmd_write_pending(struct zcit_cmd *cmd)
{
	struct zcit_conn *conn = cmd->conn;

	llist_add(&cmd->wp_node, &conn->wp_llist);
	if (test_bit(ZCIT_CONN_DEAD, &conn->flags))
		wake_up(&conn->cmd_wq);
	else if (current_work() != &conn->io_work)
		zcit_conn_queue_io(conn);
}

/*
 * Take a command off the io work's lists before LIO may free it.  The
 * PDU being sent, if it is the command's, goes on without it: its header
 * lives in its own page_frag buffer.
 */
static void zcit_conn_cmd_detach(struct zcit_conn *conn, struct zcit_cmd *cmd)
{
	if (test_and_clear_bit(ZCIT_CMD_RX, &cmd->flags))
		list_del_init(&cmd->rx_node);
	if (test_and_clear_bit(ZCIT_CMD_ON_TX, &cmd->flags))
		list_del_init(&cmd->tx_node);
	if (conn->tx_cmd == cmd)
		conn->tx_cmd = NULL;
	if (conn->rx_cmd == cmd) {
		/* Drop the rest of the PDU whose data was going to it. */
		conn->rx_cmd = NULL;
		cmd->rx_busy = false;
		switch (conn->rx_stage) {
		case ZCIT_RX_WAITBUF:
		case ZCIT_RX_SGL:
			conn->rx_discard = conn->rx_left +
					   zcit_pad4(conn->rx_lens.data) +
					   (conn->data_digest ?
					    ZCIT_DIGEST_LEN : 0);
			conn->rx_stage = ZCIT_RX_DISCARD;
			break;
		case ZCIT_RX_TAIL:
			conn->rx_discard = conn->rx_need - conn->rx_off;
			conn->rx_stage = ZCIT_RX_DISCARD;
			break;
		default:
			break;
		}
	}
}

/*
 * End the data phase of a write: LIO runs it, or, if it was aborted
 * meanwhile, finishes the abort (target_execute_cmd() checks).
 */
static void zcit_conn_cmd_execute(struct zcit_conn *conn, struct zcit_cmd *cmd)
{
	zcit_conn_cmd_detach(conn, cmd);
	target_execute_cmd(&cmd->se_cmd);
}

/*
 * The connection is gone: fail what waits for data, drop what waits to be
 * sent, and wait until LIO has released every command.
 */
static void zcit_conn_drain_cmds(struct zcit_conn *conn)
{
	struct zcit_cmd *cmd, *tmp;
	struct llist_node *list;

	for (;;) {
		list = llist_del_all(&conn->wp_llist);
		llist_for_each_entry_safe(cmd, tmp, list, wp_node)
			set_bit(ZCIT_CMD_WP, &cmd->flags);
		list = llist_del_all(&conn->rsp_llist);
		llist_for_each_entry_safe(cmd, tmp, list, lnode) {
			zcit_conn_cmd_detach(conn, cmd);
			zcit_cmd_free(cmd);
		}
		list_for_each_entry_safe(cmd, tmp, &conn->tx_cmds, tx_node) {
			if (cmd->tx == ZCIT_TX_R2T)
				continue;	/* still in its data phase */
			zcit_conn_cmd_detach(conn, cmd);
			zcit_cmd_free(cmd);
		}
		list_for_each_entry_safe(cmd, tmp, &conn->rx_cmds, rx_node) {
			if (!test_bit(ZCIT_CMD_WP, &cmd->flags))
				continue;	/* LIO has not got that far */
			zcit_conn_cmd_detach(conn, cmd);
					/* As iscsi_target_mod: LIO completes what it started. */
			target_complete_cmd(&cmd->se_cmd, SAM_STAT_TASK_ABORTED);
		}
		if (!atomic_read(&conn->nr_cmds))
			break;
		wait_event_timeout(conn->cmd_wq,
				   !llist_empty(&conn->wp_llist) ||
				   !llist_empty(&conn->rsp_llist) ||
				   !atomic_read(&conn->nr_cmds), HZ);
	}
	/* The last zcit_conn_cmd_put() may still hold the lock. */
	spin_lock_bh(&conn->cmd_lock);
	spin_unlock_bh(&conn->cmd_lock);
}

static void zcit_conn_release(struct work_struct *work)
{
	struct zcit_conn *conn =
		container_of(work, struct zcit_conn, release_work);
	struct zcit_ooo *o, *otmp;
	struct zcit_tx *tx, *tmp;

	/* The timers first: they queue the io work. */
	del_timer_sync(&conn->login_timer);
	del_timer_sync(&conn->tick_timer);
	cancel_work_sync(&conn->io_work);
	zcit_conn_end_login(conn);
	zcit_conn_drain_cmds(conn);
	/* Leaves its session and TPG; may end the session. */
	zcit_sess_release_conn(conn);
	spin_lock_bh(&zcit_conns_lock);
	list_del(&conn->node);
	spin_unlock_bh(&zcit_conns_lock);
	/*
	 * Off every list now: nobody can queue the io work any more, but a
	 * list walker may have queued it since the first cancel; and the
	 * timers again, in case a last run of the io work re-armed them.
	 */
	cancel_work_sync(&conn->io_work);
	del_timer_sync(&conn->login_timer);
	del_timer_sync(&conn->tick_timer);
	if (conn->login) {
		zcit_login_free(conn->login);
		kfree(conn->login);
	}
	list_for_each_entry_safe(tx, tmp, &conn->tx_list, node)
		kvfree(tx);
	list_for_each_entry_safe(o, otmp, &conn->ooo, node)
		kfree(o);
	if (conn->txp.buf)
		page_frag_free(conn->txp.buf);
	zcit_page_frag_cache_drain(&conn->tx_frag);
	if (conn->scratch)
		__free_page(conn->scratch);
	zcit_text_in_free(&conn->text_in);
	zcit_text_out_free(&conn->text_out);
	kvfree(conn->rx_data);
	sock_release(conn->sock);
	pr_debug("connection from %pISpc closed\n", &conn->peer);
	kfree(conn);
	wake_up_all(&zcit_conns_wq);
}

static void zcit_tick(struct timer_list *t)
{
	struct zcit_conn *conn = from_timer(conn, t, tick_timer);

	if (test_bit(ZCIT_CONN_DEAD, &conn->flags))
		return;
	set_bit(ZCIT_CONN_TICK, &conn->flags);
	zcit_conn_queue_io(conn);
	mod_timer(&conn->tick_timer, jiffies +
		  (READ_ONCE(conn->tmr_pending) ? ZCIT_TICK_TMF : ZCIT_TICK));
}

static void zcit_login_timeout(struct timer_list *t)
{
	struct zcit_conn *conn = from_timer(conn, t, login_timer);

	set_bit(ZCIT_CONN_TIMEDOUT, &conn->flags);
	zcit_conn_queue_io(conn);
}

/**
 * zcit_conn_queue_pdu() - queue a PDU for sending
 * @conn: the connection
 * @hdr: its 48-byte BHS (no AHS)
 * @data: its data segment, copied
 * @dlen: length of @data
 *
 * Digests are added as negotiated.  Control PDUs only: Data-In goes out
 * from the command's pages without a copy.
 *
 * Return: 0 or -ENOMEM.
 */
int zcit_conn_queue_pdu(struct zcit_conn *conn, const void *hdr,
			const void *data, u32 dlen)
{
	u32 hd = conn->hdr_digest ? ZCIT_DIGEST_LEN : 0;
	u32 dd = conn->data_digest && dlen ? ZCIT_DIGEST_LEN : 0;
	u32 pad = zcit_pad4(dlen);
	struct zcit_tx *tx;
	u8 *p;

	tx = kvzalloc(struct_size(tx, buf, ZCIT_BHS_LEN + hd + dlen + pad + dd),
		      GFP_KERNEL);
	if (!tx)
		return -ENOMEM;
	p = tx->buf;
	memcpy(p, hdr, ZCIT_BHS_LEN);
	p += ZCIT_BHS_LEN;
	if (hd) {
		__le32 d = zcit_digest(tx->buf, ZCIT_BHS_LEN);

		memcpy(p, &d, hd);
		p += hd;
	}
	if (dlen) {
		memcpy(p, data, dlen);
		p += dlen + pad;	/* zeroed: the padding is 0 */
	}
	if (dd) {
		__le32 d = zcit_digest(p - dlen - pad, dlen + pad);

		memcpy(p, &d, dd);
		p += dd;
	}
	tx->len = p - tx->buf;
	list_add_tail(&tx->node, &conn->tx_list);
	conn->tx_queued++;
	return 0;
}

/* Sequence numbers for a PDU built now; @advance: it takes a StatSN. */
static void zcit_conn_sn(struct zcit_conn *conn, struct zcit_sn *sn,
			 bool advance)
{
	struct zcit_sess *sess = conn->sess;

	sn->statsn = advance ? conn->statsn++ : conn->statsn;
	spin_lock_bh(&sess->lock);
	sn->exp_cmdsn = sess->exp_cmdsn;
	sn->max_cmdsn = sess->max_cmdsn;
	spin_unlock_bh(&sess->lock);
}

static void zcit_conn_cmd_tx(struct zcit_conn *conn, struct zcit_cmd *cmd)
{
	if (!test_and_set_bit(ZCIT_CMD_ON_TX, &cmd->flags))
		list_add_tail(&cmd->tx_node, &conn->tx_cmds);
}

/* Start a command PDU in a fresh page_frag buffer. */
static int zcit_txp_start(struct zcit_conn *conn, struct zcit_cmd *cmd,
			  bool last)
{
	struct zcit_txpdu *p = &conn->txp;

	memset(p, 0, sizeof(*p));
	p->buf = page_frag_alloc(&conn->tx_frag, ZCIT_TXHDR_SIZE, GFP_NOIO);
	if (!p->buf)
		return -ENOMEM;
	memset(p->buf, 0, ZCIT_TXHDR_SIZE);
	conn->tx_cmd = cmd;
	conn->tx_last = last;
	return 0;
}

/*
 * Finish a command PDU whose header is in place: header digest, then
 * either @dlen bytes of inline data already after it, or @sg_len bytes of
 * the command's buffers at @pos, each with padding and data digest.
 */
static void zcit_txp_finish(struct zcit_conn *conn, struct zcit_cmd *cmd,
			    u32 dlen, u32 pos, u32 sg_len)
{
	struct zcit_txpdu *p = &conn->txp;
	u32 hd = conn->hdr_digest ? ZCIT_DIGEST_LEN : 0;
	u32 len = dlen + sg_len;
	u32 pad = zcit_pad4(len);
	u32 dd = conn->data_digest && len ? ZCIT_DIGEST_LEN : 0;
	__le32 d;
	u32 crc;

	if (hd) {
		d = zcit_digest(p->buf, ZCIT_BHS_LEN);
		memcpy(p->buf + ZCIT_BHS_LEN, &d, hd);
	}
	if (!sg_len) {
		/* Inline data follows the header; the padding is zeroed. */
		p->hlen = ZCIT_BHS_LEN + hd + dlen + pad;
		if (dd) {
			d = zcit_digest(p->buf + ZCIT_BHS_LEN + hd, dlen + pad);
			memcpy(p->buf + p->hlen, &d, dd);
			p->hlen += dd;
		}
		p->total = p->hlen;
		return;
	}
	p->hlen = ZCIT_BHS_LEN + hd;
	p->cur = cmd->tx_cur;
	p->pos = pos;
	p->dlen = sg_len;
	p->tail = p->buf + ZCIT_TXHDR_SIZE / 2;
	p->tlen = pad + dd;
	if (dd) {
		crc = zcit_sg_crc(&cmd->tx_cur, pos, sg_len, ~0U);
		crc = crc32c(crc, p->tail, pad);
		d = cpu_to_le32(~crc);
		memcpy(p->tail + pad, &d, dd);
	}
	p->total = p->hlen + p->dlen + p->tlen;
}

/* RFC 7143 11.8: the next R2T of a write.  Return 1, or 0 if none is due. */
static int zcit_conn_build_r2t(struct zcit_conn *conn, struct zcit_cmd *cmd)
{
	struct zcit_r2t r2t;
	struct zcit_sn sn;
	int ret;

	if (!zcit_xfer_r2t_pending(&cmd->xfer))
		return 0;
	ret = zcit_txp_start(conn, cmd, false);
	if (ret)
		return ret;
	zcit_xfer_next_r2t(&cmd->xfer, &r2t);
	cmd->rx_last = jiffies;
	zcit_conn_sn(conn, &sn, false);
	zcit_build_r2t((struct iscsi_r2t_rsp *)conn->txp.buf, cmd->itt,
		       &cmd->lun, r2t.ttt, r2t.r2tsn, r2t.offset, r2t.len, &sn);
	cmd->datasn++;
	zcit_txp_finish(conn, cmd, 0, 0, 0);
	return 1;
}

/*
 * RFC 7143 11.7: the next Data-In of a read, straight from its pages.
 * The status goes with the last one (S bit) unless there is sense data.
 */
static int zcit_conn_build_data_in(struct zcit_conn *conn,
				   struct zcit_cmd *cmd)
{
	struct se_cmd *se_cmd = &cmd->se_cmd;
	u32 total = se_cmd->data_length, pos = cmd->tx_sent;
	struct zcit_status st;
	struct zcit_sn sn;
	bool seq_end, last, fold;
	u32 len;
	int ret;

	len = zcit_datain_next(total, pos, conn->max_xmit_dsl, conn->max_burst,
			       &seq_end);
	last = pos + len == total;
	fold = last && !se_cmd->scsi_sense_length;
	ret = zcit_txp_start(conn, cmd, fold);
	if (ret)
		return ret;
	if (fold) {
		zcit_cmd_status(cmd, &st);
		if (test_and_clear_bit(ZCIT_CMD_WINDOW, &cmd->flags))
			zcit_sess_window_open(conn->sess);
	}
	zcit_conn_sn(conn, &sn, fold);
	zcit_build_data_in((struct iscsi_data_rsp *)conn->txp.buf, cmd->itt,
			   &cmd->lun, cmd->datasn++, pos, len, seq_end,
			   fold ? &st : NULL, &sn);
	zcit_sg_seek(&cmd->tx_cur, pos);
	zcit_txp_finish(conn, cmd, 0, pos, len);
	cmd->tx_sent += len;
	if (last && !fold)
		cmd->tx = ZCIT_TX_STATUS;
	return 1;
}

/* RFC 7143 11.4: a SCSI Response, with sense data if any (11.4.7). */
static int zcit_conn_build_status(struct zcit_conn *conn, struct zcit_cmd *cmd)
{
	struct se_cmd *se_cmd = &cmd->se_cmd;
	u32 hd = conn->hdr_digest ? ZCIT_DIGEST_LEN : 0;
	u32 slen = min_t(u32, se_cmd->scsi_sense_length, TRANSPORT_SENSE_BUFFER);
	u32 dlen = slen ? slen + 2 : 0;
	struct zcit_status st;
	struct zcit_sn sn;
	u8 *data;
	int ret;

	ret = zcit_txp_start(conn, cmd, true);
	if (ret)
		return ret;
	zcit_cmd_status(cmd, &st);
	if (test_and_clear_bit(ZCIT_CMD_WINDOW, &cmd->flags))
		zcit_sess_window_open(conn->sess);
	zcit_conn_sn(conn, &sn, true);
	zcit_build_scsi_rsp((struct iscsi_scsi_rsp *)conn->txp.buf, cmd->itt,
			    &st, cmd->datasn, dlen, &sn);
	data = conn->txp.buf + ZCIT_BHS_LEN + hd;
	if (slen) {
		put_unaligned_be16(slen, data);
		memcpy(data + 2, se_cmd->sense_buffer, slen);
	}
	zcit_txp_finish(conn, cmd, dlen, 0, 0);
	return 1;
}

static int zcit_conn_build_tm_rsp(struct zcit_conn *conn, struct zcit_cmd *cmd)
{
	struct zcit_sn sn;
	int ret;

	ret = zcit_txp_start(conn, cmd, true);
	if (ret)
		return ret;
	zcit_conn_sn(conn, &sn, true);
	zcit_build_tm_rsp((struct iscsi_tm_rsp *)conn->txp.buf, cmd->itt,
			  zcit_cmd_tmf_response(cmd), &sn);
	zcit_txp_finish(conn, cmd, 0, 0, 0);
	return 1;
}

/*
 * Build the next PDU of the first command with something to send.
 * Return: 1 when conn->txp is ready, 0 when nothing is to be sent, or
 * -ENOMEM.
 */
static int zcit_conn_build_cmd_pdu(struct zcit_conn *conn)
{
	struct zcit_cmd *cmd;
	int ret;

	while ((cmd = list_first_entry_or_null(&conn->tx_cmds,
					       struct zcit_cmd, tx_node))) {
		switch (cmd->tx) {
		case ZCIT_TX_R2T:
			ret = zcit_conn_build_r2t(conn, cmd);
			if (ret)
				return ret;
			break;
		case ZCIT_TX_DATA_IN:
			if (cmd->tx_sent < cmd->se_cmd.data_length)
				return zcit_conn_build_data_in(conn, cmd);
			return zcit_conn_build_status(conn, cmd);
		case ZCIT_TX_STATUS:
			return zcit_conn_build_status(conn, cmd);
		case ZCIT_TX_TM_RSP:
			return zcit_conn_build_tm_rsp(conn, cmd);
		default:
			WARN_ON_ONCE(1);
			break;
		}
		/* Nothing more to send for now. */
		clear_bit(ZCIT_CMD_ON_TX, &cmd->flags);
		list_del_init(&cmd->tx_node);
	}
	return 0;
}

/* The command PDU in conn->txp is all with TCP. */
static void zcit_conn_txp_done(struct zcit_conn *conn)
{
	struct zcit_cmd *cmd = conn->tx_cmd;

	page_frag_free(conn->txp.buf);
	memset(&conn->txp, 0, sizeof(conn->txp));
	conn->tx_cmd = NULL;
	if (cmd && conn->tx_last) {
		zcit_conn_cmd_detach(conn, cmd);
		zcit_cmd_free(cmd);
	}
}

/*
 * Will another PDU follow at once?  Then TCP may hold this one back
 * (MSG_MORE); if none follows, it must not, or it would sit there.
 */
static bool zcit_conn_tx_more(struct zcit_conn *conn)
{
	struct zcit_cmd *cmd;

	list_for_each_entry(cmd, &conn->tx_cmds, tx_node) {
		if (cmd == conn->tx_cmd && conn->txp.total) {
			/* The command whose PDU is under way. */
			if (conn->tx_last)
				continue;
			if (cmd->tx != ZCIT_TX_R2T ||
			    zcit_xfer_r2t_pending(&cmd->xfer))
				return true;
			continue;
		}
		if (cmd->tx != ZCIT_TX_R2T || zcit_xfer_r2t_pending(&cmd->xfer))
			return true;
	}
	return false;
}

/*
 * Send what is queued: a command PDU under way, then control PDUs (they
 * are built with their StatSN when queued, so they go in that order), then
 * new command PDUs.  Return 1 on progress, 0 when blocked, or -errno.
 */
static int zcit_conn_try_send(struct zcit_conn *conn)
{
	struct zcit_tx *tx;
	int progress = 0;
	u32 off;
	int ret;

	for (;;) {
		if (conn->txp.total) {
			off = conn->txp.off;
			ret = zcit_zc_send(conn->sock, &conn->txp,
					   !list_empty(&conn->tx_list) ||
					   zcit_conn_tx_more(conn));
			if (ret < 0)
				return ret;
			if (conn->txp.off != off)
				progress = 1;
			if (!ret)
				return progress;
			zcit_conn_txp_done(conn);
			continue;
		}
		tx = list_first_entry_or_null(&conn->tx_list, struct zcit_tx,
					      node);
		if (tx) {
			struct kvec iov = {
				.iov_base = tx->buf + tx->off,
				.iov_len = tx->len - tx->off,
			};
			struct msghdr msg = {
				.msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL,
			};

			if (!list_is_last(&tx->node, &conn->tx_list) ||
			    zcit_conn_tx_more(conn))
				msg.msg_flags |= MSG_MORE;
			ret = kernel_sendmsg(conn->sock, &msg, &iov, 1,
					     iov.iov_len);
			if (ret == -EAGAIN)
				return progress;
			if (ret <= 0)
				return ret ? ret : -EPIPE;
			progress = 1;
			tx->off += ret;
			if (tx->off < tx->len)
				continue;
			list_del(&tx->node);
			conn->tx_queued--;
			kvfree(tx);
			continue;
		}
		ret = zcit_conn_build_cmd_pdu(conn);
		if (ret <= 0)
			return ret ? ret : progress;
	}
}

static int zcit_conn_recv(struct zcit_conn *conn, void *buf, u32 len)
{
	struct kvec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL };
	int ret;

	ret = kernel_recvmsg(conn->sock, &msg, &iov, 1, len, msg.msg_flags);
	if (ret == 0)
		return -ECONNRESET;
	return ret;
}

static u32 zcit_conn_max_data(struct zcit_conn *conn)
{
	return conn->ffp ? conn->max_recv_dsl : ZCIT_TEXT_PDU_MAX;
}

/* Bytes of the data segment on the wire: data, padding, data digest. */
static u32 zcit_conn_wire_len(struct zcit_conn *conn)
{
	u32 len = conn->rx_lens.data;

	if (!len)
		return 0;
	return len + zcit_pad4(len) + (conn->data_digest ? ZCIT_DIGEST_LEN : 0);
}

static void zcit_conn_rx_next(struct zcit_conn *conn)
{
	conn->rx_stage = ZCIT_RX_BHS;
	conn->rx_off = 0;
	conn->rx_need = ZCIT_BHS_LEN;
}

/* Drop the data segment of the PDU just received. */
static int zcit_conn_rx_skip(struct zcit_conn *conn)
{
	conn->rx_discard = zcit_conn_wire_len(conn);
	if (!conn->rx_discard) {
		zcit_conn_rx_next(conn);
		return 0;
	}
	conn->rx_stage = ZCIT_RX_DISCARD;
	return 0;
}

static int zcit_conn_reject(struct zcit_conn *conn, u8 reason);

/*
 * RFC 7143 11.3.6: the CDB is 16 bytes in the BHS, followed by the rest
 * from an Extended CDB AHS.  Make it one buffer (the AHS is moved down to
 * follow the BHS's 16 bytes).  Return: the CDB, or NULL if the AHS are
 * malformed or the CDB is longer than what came.
 */
static u8 *zcit_conn_cdb(struct zcit_conn *conn)
{
	u8 *h = conn->rx_hdr, *ahs = h + ZCIT_BHS_LEN;
	u8 *cdb = h + offsetof(struct iscsi_scsi_req, cdb);
	u32 total = conn->rx_lens.ahs, off = 0, ext = 0, alen, len;

	while (off < total) {
		if (total - off < 4)
			return NULL;
		alen = get_unaligned_be16(ahs + off);
		len = ALIGN(3 + alen, 4);
		if (!alen || len > total - off)
			return NULL;
		if (ahs[off + 2] == ISCSI_AHSTYPE_CDB) {
			if (ext)
				return NULL;
			ext = alen - 1;	/* less the reserved byte */
			memmove(ahs, ahs + off + 4, ext);
		}
		off += len;
	}
	if (scsi_command_size(cdb) > ISCSI_CDB_SIZE + ext)
		return NULL;
	return cdb;
}

static void zcit_conn_busy(struct zcit_conn *conn, itt_t itt)
{
	struct zcit_status st = { .status = SAM_STAT_TASK_SET_FULL };
	struct iscsi_scsi_rsp rsp;
	struct zcit_sn sn;

	zcit_conn_sn(conn, &sn, true);
	zcit_build_scsi_rsp(&rsp, itt, &st, 0, 0, &sn);
	zcit_conn_queue_pdu(conn, &rsp, NULL, 0);
}

/*
 * RFC 7143 4.2.2.1: a command whose CmdSN is ahead of ExpCmdSN waits for
 * the ones before it.  One without data is parked (its header kept) and
 * reading goes on, since the missing commands may come on this very
 * connection; it is taken up again by zcit_conn_unpark().  One with data
 * following waits in the receive state machine for another connection of
 * the session to fill the gap; alone on its session, it never could:
 * that is a protocol error.
 */
static int zcit_conn_early_cmd(struct zcit_conn *conn, bool unsolicited)
{
	struct iscsi_scsi_req *req = (struct iscsi_scsi_req *)conn->rx_hdr;
	u32 cmdsn = be32_to_cpu(req->cmdsn), len;
	struct zcit_ooo *o;
	int ret;

	if (conn->rx_lens.data || unsolicited) {
		if (READ_ONCE(conn->sess->nr_conns) > 1) {
			conn->rx_stage = ZCIT_RX_CMDSN;
			return 0;
		}
		pr_warn_ratelimited("%pISpc: CmdSN %u ahead of the session, with data: closing\n",
				    &conn->peer, cmdsn);
		conn->close_after_tx = true;
		ret = zcit_conn_reject(conn, ISCSI_REASON_PROTOCOL_ERROR);
		return ret ? ret : zcit_conn_rx_skip(conn);
	}
	list_for_each_entry(o, &conn->ooo, node)
		if (o->cmdsn == cmdsn) {
			/* The same CmdSN twice: the second is dropped. */
			zcit_conn_rx_next(conn);
			return 0;
		}
	if (conn->nr_ooo >= conn->sess->cmdsn_depth) {
		conn->close_after_tx = true;
		ret = zcit_conn_reject(conn, ISCSI_REASON_PROTOCOL_ERROR);
		return ret ? ret : zcit_conn_rx_skip(conn);
	}
	len = ZCIT_BHS_LEN + conn->rx_lens.ahs;
	o = kmalloc(struct_size(o, hdr, len), GFP_KERNEL);
	if (!o)
		return -ENOMEM;
	o->cmdsn = cmdsn;
	o->ahs = conn->rx_lens.ahs;
	memcpy(o->hdr, conn->rx_hdr, len);
	list_add_tail(&o->node, &conn->ooo);
	conn->nr_ooo++;
	zcit_conn_rx_next(conn);
	return 0;
}

static int zcit_conn_scsi_cmd(struct zcit_conn *conn);

/* Between PDUs: run the parked command whose turn has come, if any. */
static bool zcit_conn_unpark(struct zcit_conn *conn, int *ret)
{
	struct zcit_sess *sess = conn->sess;
	struct zcit_ooo *o;
	u32 exp;

	spin_lock_bh(&sess->lock);
	exp = sess->exp_cmdsn;
	spin_unlock_bh(&sess->lock);
	list_for_each_entry(o, &conn->ooo, node) {
		if (o->cmdsn != exp)
			continue;
		list_del(&o->node);
		conn->nr_ooo--;
		memcpy(conn->rx_hdr, o->hdr, ZCIT_BHS_LEN + o->ahs);
		conn->rx_lens = (struct zcit_pdu_lens){ .ahs = o->ahs };
		conn->rx_bad = false;
		kfree(o);
		*ret = zcit_conn_scsi_cmd(conn);
		return true;
	}
	return false;
}

/*
 * RFC 7143 11.3: a SCSI Command, header in.  It waits for its CmdSN, goes
 * to LIO, and its immediate data, if any, goes to its buffers.
 */
static int zcit_conn_scsi_cmd(struct zcit_conn *conn)
{
	struct iscsi_scsi_req *req = (struct iscsi_scsi_req *)conn->rx_hdr;
	bool immediate = req->opcode & ISCSI_OP_IMMEDIATE;
	u32 edtl = be32_to_cpu(req->data_length);
	/* 11.3.1: with an EDTL of 0, R and W mean nothing. */
	bool w = edtl && (req->flags & ISCSI_FLAG_CMD_WRITE);
	bool r = edtl && (req->flags & ISCSI_FLAG_CMD_READ);
	u32 dlen = conn->rx_lens.data;
	struct zcit_xfer x;
	struct zcit_cmd *cmd;
	u8 reason = 0;
	u8 *cdb = NULL;
	int ret;

	if (conn->sess->discovery) {
		/* RFC 7143 4.3: Text and Logout only. */
		ret = zcit_conn_reject(conn, ISCSI_REASON_PROTOCOL_ERROR);
		return ret ? ret : zcit_conn_rx_skip(conn);
	}
	if (!immediate) {
		ret = zcit_sess_take_cmdsn(conn->sess, be32_to_cpu(req->cmdsn));
		if (ret == -EAGAIN)
			return zcit_conn_early_cmd(conn, w && !(req->flags &
							      ISCSI_FLAG_CMD_FINAL));
		if (ret) {
			/* RFC 7143 4.2.2.1: outside the window: dropped. */
			pr_debug("%pISpc: CmdSN %u outside the window\n",
				 &conn->peer, be32_to_cpu(req->cmdsn));
			return zcit_conn_rx_skip(conn);
		}
	}
	if (w && r)
		reason = ISCSI_REASON_CMD_NOT_SUPPORTED;	/* bidirectional */
	else if ((dlen && !w) || (!w && !r && edtl))
		reason = ISCSI_REASON_PROTOCOL_ERROR;	/* 11.3.1, 11.3.4 */
	else if (w && zcit_xfer_init(&x, &conn->xp, edtl, dlen,
				     req->flags & ISCSI_FLAG_CMD_FINAL, 0))
		reason = ISCSI_REASON_PROTOCOL_ERROR;	/* 4.2.5.2 */
	if (!reason) {
		cdb = zcit_conn_cdb(conn);
		if (!cdb)
			reason = ISCSI_REASON_PROTOCOL_ERROR;
	}
	if (reason) {
		pr_debug("%pISpc: SCSI Command ITT 0x%08x rejected (0x%02x)\n",
			 &conn->peer, be32_to_cpu((__force __be32)req->itt),
			 reason);
		if (!immediate)
			zcit_sess_window_open(conn->sess);
		ret = zcit_conn_reject(conn, reason);
		return ret ? ret : zcit_conn_rx_skip(conn);
	}
	ret = zcit_cmd_submit(conn, req, cdb, w && edtl ? &x : NULL, &cmd);
	if (ret == -EBUSY) {
		/* SAM-5 5.3: no room for one more task. */
		if (!immediate)
			zcit_sess_window_open(conn->sess);
		zcit_conn_busy(conn, req->itt);
		return zcit_conn_rx_skip(conn);
	}
	if (ret)
		return ret;
	if (!dlen) {
		zcit_conn_rx_next(conn);
		return 0;
	}
	conn->rx_cmd = cmd;
	cmd->rx_busy = true;
	conn->rx_pos = 0;
	conn->rx_left = dlen;
	conn->rx_stage = ZCIT_RX_WAITBUF;
	return 0;
}

static struct zcit_cmd *zcit_conn_find_write(struct zcit_conn *conn, itt_t itt)
{
	struct zcit_cmd *cmd;

	list_for_each_entry(cmd, &conn->rx_cmds, rx_node)
		if (cmd->itt == itt)
			return cmd;
	return NULL;
}

/* RFC 7143 11.7: a SCSI Data-Out, header in: check it, take its data. */
static int zcit_conn_data_out(struct zcit_conn *conn)
{
	struct iscsi_data *d = (struct iscsi_data *)conn->rx_hdr;
	u32 dlen = conn->rx_lens.data, offset = be32_to_cpu(d->offset);
	struct zcit_cmd *cmd;
	int ret;

	cmd = zcit_conn_find_write(conn, d->itt);
	if (!cmd) {
		/*
		 * A task already answered (its data is of no use), or no task
		 * at all: the data is dropped, as iscsi_target_mod does.
		 */
		pr_debug("%pISpc: Data-Out for unknown ITT 0x%08x dropped\n",
			 &conn->peer, be32_to_cpu((__force __be32)d->itt));
		return zcit_conn_rx_skip(conn);
	}
	if (zcit_xfer_data_out(&cmd->xfer, be32_to_cpu(d->ttt),
			       be32_to_cpu(d->datasn), offset, dlen,
			       d->flags & ISCSI_FLAG_CMD_FINAL)) {
		/*
		 * A wrong TTT, DataSN, offset, length or F bit cannot be
		 * recovered from at ErrorRecoveryLevel 0 (RFC 7143 7.1.4.1):
		 * reject it and drop the connection.
		 */
		pr_warn_ratelimited("%pISpc: bad Data-Out for ITT 0x%08x (TTT 0x%08x DataSN %u offset %u length %u): closing\n",
				    &conn->peer,
				    be32_to_cpu((__force __be32)d->itt),
				    be32_to_cpu(d->ttt),
				    be32_to_cpu(d->datasn), offset, dlen);
		ret = zcit_conn_reject(conn, ISCSI_REASON_PROTOCOL_ERROR);
		conn->close_after_tx = true;
		return ret ? ret : zcit_conn_rx_skip(conn);
	}
	conn->rx_cmd = cmd;
	cmd->rx_busy = true;
	cmd->rx_last = jiffies;
	conn->rx_pos = offset;
	conn->rx_left = dlen;
	conn->rx_stage = ZCIT_RX_WAITBUF;
	return 0;
}

/* A write's data arrived or its buffers came: run it or ask for more. */
static void zcit_conn_cmd_progress(struct zcit_conn *conn,
				   struct zcit_cmd *cmd)
{
	if (!test_bit(ZCIT_CMD_WP, &cmd->flags) || cmd->rx_busy)
		return;
	if (zcit_xfer_done(&cmd->xfer)) {
		zcit_conn_cmd_execute(conn, cmd);
		return;
	}
	if (zcit_xfer_r2t_pending(&cmd->xfer)) {
		cmd->tx = ZCIT_TX_R2T;
		zcit_conn_cmd_tx(conn, cmd);
	}
}

/* Padding and data digest of write data are in. */
static int zcit_conn_rx_data_done(struct zcit_conn *conn)
{
	struct zcit_cmd *cmd = conn->rx_cmd;
	u32 pad = zcit_pad4(conn->rx_lens.data);
	__le32 d;

	if (conn->data_digest) {
		d = cpu_to_le32(~crc32c(conn->rx_crc, conn->rx_tail, pad));
		if (memcmp(&d, conn->rx_tail + pad, ZCIT_DIGEST_LEN)) {
			/*
			 * RFC 7143 7.8: at ErrorRecoveryLevel 0 the data is
			 * lost for good: reject the PDU and drop the
			 * connection, as iscsi_target_mod does.
			 */
			pr_warn("%pISpc: data digest error: closing\n",
				&conn->peer);
			conn->close_after_tx = true;
			return zcit_conn_reject(conn,
						ISCSI_REASON_DATA_DIGEST_ERROR);
		}
	}
	cmd->rx_busy = false;
	conn->rx_cmd = NULL;
	zcit_conn_rx_next(conn);
	zcit_conn_cmd_progress(conn, cmd);
	return 0;
}

/* Receive into the command's pages.  Return 1 when done, 0, or -errno. */
static int zcit_conn_rx_sgl(struct zcit_conn *conn)
{
	struct zcit_cmd *cmd = conn->rx_cmd;
	int ret;

	while (conn->rx_left) {
		ret = zcit_zc_recv(conn->sock, &cmd->rx_cur, conn->rx_pos,
				   conn->rx_left, cmd->se_cmd.data_length,
				   conn->scratch,
				   conn->data_digest ? &conn->rx_crc : NULL);
		if (ret < 0)
			return ret == -EAGAIN ? 0 : ret;
		conn->rx_pos += ret;
		conn->rx_left -= ret;
	}
	conn->rx_stage = ZCIT_RX_TAIL;
	conn->rx_off = 0;
	conn->rx_need = zcit_pad4(conn->rx_lens.data) +
			(conn->data_digest ? ZCIT_DIGEST_LEN : 0);
	return 1;
}

/* Read and drop.  Return 1 when done, 0, or -errno. */
static int zcit_conn_rx_drop(struct zcit_conn *conn)
{
	void *buf = page_address(conn->scratch);
	int ret;

	while (conn->rx_discard) {
		ret = zcit_conn_recv(conn, buf,
				     min_t(u32, conn->rx_discard, PAGE_SIZE));
		if (ret < 0)
			return ret == -EAGAIN ? 0 : ret;
		conn->rx_discard -= ret;
	}
	zcit_conn_rx_next(conn);
	return 1;
}

/* The BHS is in: check it and size what follows. */
static int zcit_conn_got_bhs(struct zcit_conn *conn)
{
	struct iscsi_hdr *hdr = (struct iscsi_hdr *)conn->rx_hdr;
	struct zcit_pdu_lens *lens = &conn->rx_lens;
	u32 max = zcit_conn_max_data(conn);
	int ret;

	ret = zcit_bhs_parse(hdr, max, lens);
	conn->rx_bad = false;
	conn->last_rx = jiffies;
	if (ret == -EBADMSG && conn->ffp && lens->data <= max) {
		/* RFC 7143 11.17.1: an unknown opcode gets a Reject. */
		conn->rx_bad = true;
	} else if (ret) {
		pr_debug("%pISpc: bad BHS (opcode 0x%02x, %u data bytes): %d\n",
			 &conn->peer, hdr->opcode, lens->data, ret);
		return -EPROTO;
	}
	conn->rx_stage = ZCIT_RX_AHS;
	conn->rx_off = ZCIT_BHS_LEN;
	conn->rx_need = ZCIT_BHS_LEN + lens->ahs +
			(conn->hdr_digest ? ZCIT_DIGEST_LEN : 0);
	return 0;
}

static int zcit_conn_got_hdr(struct zcit_conn *conn)
{
	struct zcit_pdu_lens *lens = &conn->rx_lens;
	u32 need;

	if (conn->hdr_digest) {
		u32 hlen = ZCIT_BHS_LEN + lens->ahs;
		__le32 d = zcit_digest(conn->rx_hdr, hlen);

		/* RFC 7143 7.8: a header digest error drops the connection. */
		if (memcmp(&d, conn->rx_hdr + hlen, ZCIT_DIGEST_LEN)) {
			pr_warn("%pISpc: header digest error\n", &conn->peer);
			return -EBADMSG;
		}
	}
	if (conn->ffp && !conn->rx_bad) {
		switch (conn->rx_hdr[0] & ISCSI_OPCODE_MASK) {
		case ISCSI_OP_SCSI_CMD:
			return zcit_conn_scsi_cmd(conn);
		case ISCSI_OP_SCSI_DATA_OUT:
			return zcit_conn_data_out(conn);
		default:
			break;
		}
	}
	need = zcit_conn_wire_len(conn);
	if (need > conn->rx_cap) {
		u8 *buf = kvmalloc(need, GFP_KERNEL);

		if (!buf)
			return -ENOMEM;
		kvfree(conn->rx_data);
		conn->rx_data = buf;
		conn->rx_cap = need;
	}
	conn->rx_stage = ZCIT_RX_DATA;
	conn->rx_off = 0;
	conn->rx_need = need;
	return 0;
}

static int zcit_conn_handle_pdu(struct zcit_conn *conn);

static void zcit_conn_take_lists(struct zcit_conn *conn);

/* Receive and handle at most one PDU.  Return 1, 0 (nothing), -errno. */
static int zcit_conn_try_recv(struct zcit_conn *conn)
{
	int progress = 0;
	u8 *buf;
	int ret;

	for (;;) {
		switch (conn->rx_stage) {
		case ZCIT_RX_CMDSN:
			ret = zcit_conn_scsi_cmd(conn);
			if (ret)
				return ret;
			if (conn->rx_stage == ZCIT_RX_CMDSN)
				return progress;
			continue;
		case ZCIT_RX_WAITBUF:
			if (!test_bit(ZCIT_CMD_WP, &conn->rx_cmd->flags)) {
				/* write_pending (or a refusal) may be queued already. */
				zcit_conn_take_lists(conn);
				if (conn->rx_stage != ZCIT_RX_WAITBUF)
					continue;
				if (!test_bit(ZCIT_CMD_WP, &conn->rx_cmd->flags))
					return progress;
			}
			conn->rx_crc = ~0U;
			conn->rx_stage = ZCIT_RX_SGL;
			continue;
		case ZCIT_RX_SGL:
			ret = zcit_conn_rx_sgl(conn);
			if (ret <= 0)
				return ret ? ret : progress;
			progress = 1;
			continue;
		case ZCIT_RX_DISCARD:
			ret = zcit_conn_rx_drop(conn);
			return ret ? ret : progress;
		case ZCIT_RX_DATA:
			buf = conn->rx_data;
			break;
		case ZCIT_RX_TAIL:
			buf = conn->rx_tail;
			break;
		default:
			if (conn->rx_stage == ZCIT_RX_BHS && !conn->rx_off &&
			    conn->nr_ooo && zcit_conn_unpark(conn, &ret)) {
				if (ret)
					return ret;
				progress = 1;
				continue;
			}
			buf = conn->rx_hdr;
			break;
		}
		if (conn->rx_off < conn->rx_need) {
			ret = zcit_conn_recv(conn, buf + conn->rx_off,
					     conn->rx_need - conn->rx_off);
			if (ret == -EAGAIN)
				return progress;
			if (ret < 0)
				return ret;
			progress = 1;
			conn->rx_off += ret;
			if (conn->rx_off < conn->rx_need)
				continue;
		}
		switch (conn->rx_stage) {
		case ZCIT_RX_BHS:
			ret = zcit_conn_got_bhs(conn);
			break;
		case ZCIT_RX_AHS:
			ret = zcit_conn_got_hdr(conn);
			break;
		case ZCIT_RX_TAIL:
			ret = zcit_conn_rx_data_done(conn);
			return ret ? ret : 1;
		default:
			ret = zcit_conn_handle_pdu(conn);
			zcit_conn_rx_next(conn);
			return ret ? ret : 1;
		}
		if (ret)
			return ret;
	}
}

static int zcit_conn_reject(struct zcit_conn *conn, u8 reason)
{
	struct iscsi_reject rej;
	struct zcit_sn sn;

	zcit_conn_sn(conn, &sn, true);
	zcit_build_reject(&rej, reason, &sn);
	return zcit_conn_queue_pdu(conn, &rej, conn->rx_hdr, ZCIT_BHS_LEN);
}

/* Leave the login phase for Full Feature Phase (RFC 7143 6.3.6). */
static void zcit_conn_enter_ffp(struct zcit_conn *conn)
{
	const struct zcit_sess_params *p = &conn->login->nego.res;

	del_timer(&conn->login_timer);
	zcit_conn_end_login(conn);
	conn->statsn = conn->login->statsn;
	conn->max_recv_dsl = p->max_recv_dsl;
	conn->max_xmit_dsl = p->max_xmit_dsl;
	conn->hdr_digest = p->header_digest;
	conn->data_digest = p->data_digest;
	conn->xp.initial_r2t = p->initial_r2t;
	conn->xp.immediate_data = p->immediate_data;
	conn->xp.first_burst = p->first_burst;
	conn->xp.max_burst = p->max_burst;
	conn->xp.max_r2t = min_t(u32, p->max_r2t, ZCIT_MAX_R2T);
	conn->max_burst = p->max_burst;
	conn->ffp = true;
	conn->last_rx = jiffies;
	mod_timer(&conn->tick_timer, jiffies + ZCIT_TICK);
	zcit_login_free(conn->login);
	kfree(conn->login);
	conn->login = NULL;
	pr_debug("%pISpc: Full Feature Phase, CID %u\n", &conn->peer,
		 conn->cid);
}

static int zcit_conn_login_pdu(struct zcit_conn *conn)
{
	struct iscsi_hdr *hdr = (struct iscsi_hdr *)conn->rx_hdr;
	struct iscsi_login_rsp rsp;
	enum zcit_login_result res;
	const void *rdata;
	int ret;

	/* RFC 7143 6.3: nothing but Login requests before the end of login. */
	if ((hdr->opcode & ISCSI_OPCODE_MASK) != ISCSI_OP_LOGIN ||
	    conn->rx_lens.ahs) {
		pr_debug("%pISpc: opcode 0x%02x during login\n", &conn->peer,
			 hdr->opcode);
		return -EPROTO;
	}
	res = zcit_login_rx(conn->login, (struct iscsi_login_req *)hdr,
			    conn->rx_data, conn->rx_lens.data, &rsp, &rdata);
	ret = zcit_conn_queue_pdu(conn, &rsp, rdata, ntoh24(rsp.dlength));
	if (ret)
		return ret;
	if (res == ZCIT_LOGIN_FAIL) {
		pr_info("login from %pISpc (%s) refused: status 0x%02x%02x\n",
			&conn->peer, conn->login->initiator_name,
			rsp.status_class, rsp.status_detail);
		conn->close_after_tx = true;
	} else if (res == ZCIT_LOGIN_DONE) {
		pr_info("%s login from %pISpc (%s) to %s, TSIH %u\n",
			conn->login->discovery ? "discovery" : "normal",
			&conn->peer, conn->login->initiator_name,
			conn->login->discovery ? "-" : conn->login->target_name,
			conn->login->tsih);
		zcit_conn_enter_ffp(conn);
	}
	return 0;
}

/* RFC 7143 11.18-11.19: NOP-Out. */
static int zcit_conn_nop_out(struct zcit_conn *conn)
{
	struct iscsi_nopout *req = (struct iscsi_nopout *)conn->rx_hdr;
	struct iscsi_nopin rsp;
	struct zcit_sn sn;
	u32 dlen = conn->rx_lens.data;

	/* The answer to one of our pings: nothing to send back. */
	if ((__force u32)req->itt == ISCSI_RESERVED_TAG) {
		if (conn->ping_out && be32_to_cpu(req->ttt) == conn->ping_ttt)
			conn->ping_out = false;
		return 0;
	}
	/* 11.18.5: the ping data is echoed, within what we may send. */
	dlen = min(dlen, conn->max_xmit_dsl);
	zcit_conn_sn(conn, &sn, true);
	zcit_build_nopin(&rsp, req, dlen, &sn);
	return zcit_conn_queue_pdu(conn, &rsp, conn->rx_data, dlen);
}

/* RFC 7143 11.14-11.15: Logout. */
static int zcit_conn_logout(struct zcit_conn *conn)
{
	struct iscsi_logout *req = (struct iscsi_logout *)conn->rx_hdr;
	u8 reason = req->flags & ISCSI_FLAG_LOGOUT_REASON_MASK;
	struct iscsi_logout_rsp rsp;
	u8 response = ISCSI_LOGOUT_SUCCESS;
	struct zcit_sn sn;
	int ret;

	switch (reason) {
	case ISCSI_LOGOUT_REASON_CLOSE_SESSION:
		break;
	case ISCSI_LOGOUT_REASON_CLOSE_CONNECTION:
		/* Closing another connection of the session: ERL 0 only. */
		if (be16_to_cpu(req->cid) != conn->cid)
			response = ISCSI_LOGOUT_CID_NOT_FOUND;
		break;
	default:
		/* 11.15.1: no connection recovery at ERL 0. */
		response = ISCSI_LOGOUT_RECOVERY_UNSUPPORTED;
		break;
	}
	zcit_conn_sn(conn, &sn, true);
	zcit_build_logout_rsp(&rsp, req, response, &sn);
	ret = zcit_conn_queue_pdu(conn, &rsp, NULL, 0);
	if (ret || response != ISCSI_LOGOUT_SUCCESS)
		return ret;
	pr_debug("%pISpc: logout (reason %u)\n", &conn->peer, reason);
	conn->close_after_tx = true;
	if (reason == ISCSI_LOGOUT_REASON_CLOSE_SESSION)
		zcit_sess_close(conn->sess, conn);
	return 0;
}

static void zcit_conn_next_ttt(struct zcit_conn *conn)
{
	if (++conn->text_ttt == ISCSI_RESERVED_TAG)
		conn->text_ttt = 0;
}

/* RFC 7143 11.10-11.11: Text, which zcit uses for SendTargets only. */
static int zcit_conn_text(struct zcit_conn *conn)
{
	struct iscsi_text *req = (struct iscsi_text *)conn->rx_hdr;
	u32 ttt = be32_to_cpu(req->ttt);
	struct iscsi_text_rsp rsp;
	struct zcit_sn sn;
	struct zcit_kv kv;
	const char *data;
	bool more;
	u32 pos = 0, n;
	int ret = 0;

	/* Buffers only for connections that use Text (discovery, mostly). */
	if (!conn->text_in.buf &&
	    (zcit_text_in_init(&conn->text_in, ZCIT_TEXT_TOTAL_MAX) ||
	     zcit_text_out_init(&conn->text_out, ZCIT_TEXT_TOTAL_MAX)))
		return -ENOMEM;

	if (ttt == ISCSI_RESERVED_TAG) {
		/* 11.10.4: a new request; whatever was under way is over. */
		zcit_text_in_reset(&conn->text_in);
		zcit_text_out_reset(&conn->text_out);
		zcit_conn_next_ttt(conn);
	} else if (ttt != conn->text_ttt) {
		return zcit_conn_reject(conn, ISCSI_REASON_PROTOCOL_ERROR);
	}
	if (zcit_text_in_append(&conn->text_in, conn->rx_data,
				conn->rx_lens.data)) {
		zcit_text_in_reset(&conn->text_in);
		return zcit_conn_reject(conn, ISCSI_REASON_PROTOCOL_ERROR);
	}
	if (req->flags & ISCSI_FLAG_TEXT_CONTINUE) {
		/*
		 * 11.10.2: more of the request follows; acknowledge with an
		 * empty response, F and C clear, whose TTT the next piece
		 * carries.
		 */
		zcit_conn_sn(conn, &sn, true);
		zcit_build_text_rsp(&rsp, req, false, 0, 0, &sn);
		rsp.flags = 0;
		rsp.ttt = cpu_to_be32(conn->text_ttt);
		return zcit_conn_queue_pdu(conn, &rsp, NULL, 0);
	}

	if (conn->text_in.len) {
		/* A complete request: answer it. */
		zcit_text_out_reset(&conn->text_out);
		while ((ret = zcit_text_next(conn->text_in.buf,
					     conn->text_in.len, &pos, &kv)) > 0) {
			if (!strcmp(kv.key, "SendTargets"))
				ret = zcit_sendtargets(conn, kv.val,
						       &conn->text_out);
			else
				ret = zcit_text_add(&conn->text_out, kv.key,
						    "NotUnderstood");
			if (ret)
				break;
		}
		zcit_text_in_reset(&conn->text_in);
		if (ret < 0 && ret != -ENOSPC)
			return zcit_conn_reject(conn,
						ISCSI_REASON_PROTOCOL_ERROR);
	}
	/* 11.11.2: the answer, in pieces the initiator collects by TTT. */
	n = zcit_text_out_chunk(&conn->text_out, conn->max_xmit_dsl, &data,
				&more);
	zcit_conn_sn(conn, &sn, true);
	zcit_build_text_rsp(&rsp, req, more, conn->text_ttt, n, &sn);
	return zcit_conn_queue_pdu(conn, &rsp, data, n);
}

/* RFC 7143 11.5: Task Management Function Request. */
static int zcit_conn_tmf(struct zcit_conn *conn)
{
	struct iscsi_tm *req = (struct iscsi_tm *)conn->rx_hdr;
	struct iscsi_tm_rsp rsp;
	struct zcit_sn sn;
	u8 response;

	if (conn->sess->discovery)
		return zcit_conn_reject(conn, ISCSI_REASON_PROTOCOL_ERROR);
	if (!zcit_cmd_tmf(conn, req, &response)) {
		/* Poll for writes LIO aborts until it answers. */
		conn->tmr_pending++;
		mod_timer(&conn->tick_timer, jiffies + ZCIT_TICK_TMF);
		return 0;
	}
	zcit_conn_sn(conn, &sn, true);
	zcit_build_tm_rsp(&rsp, req->itt, response, &sn);
	return zcit_conn_queue_pdu(conn, &rsp, NULL, 0);
}

static int zcit_conn_handle_pdu(struct zcit_conn *conn)
{
	struct iscsi_hdr *hdr = (struct iscsi_hdr *)conn->rx_hdr;
	struct zcit_pdu_lens *lens = &conn->rx_lens;
	bool drop = false;

	if (lens->data && conn->data_digest) {
		__le32 d = zcit_digest(conn->rx_data, lens->data + lens->pad);

		/* RFC 7143 7.8: at ERL 0, a data digest error gets a Reject. */
		if (memcmp(&d, conn->rx_data + lens->data + lens->pad,
			   ZCIT_DIGEST_LEN))
			return zcit_conn_reject(conn,
						ISCSI_REASON_DATA_DIGEST_ERROR);
	}
	if (!conn->ffp)
		return zcit_conn_login_pdu(conn);
	if (conn->rx_bad)
		return zcit_conn_reject(conn, ISCSI_REASON_CMD_NOT_SUPPORTED);

	switch (hdr->opcode & ISCSI_OPCODE_MASK) {
	case ISCSI_OP_NOOP_OUT:
	case ISCSI_OP_SCSI_CMD:
	case ISCSI_OP_SCSI_TMFUNC:
	case ISCSI_OP_TEXT:
	case ISCSI_OP_LOGOUT:
		/*
		 * RFC 7143 4.2.2.1: CmdSN outside the window: drop silently.
		 * A command answered with a Reject still takes its CmdSN, or
		 * the initiator's window would close.
		 */
		zcit_sess_ack_cmdsn(conn->sess, hdr, &drop);
		if (drop)
			return 0;
		break;
	default:
		break;
	}

	switch (hdr->opcode & ISCSI_OPCODE_MASK) {
	case ISCSI_OP_NOOP_OUT:
		return zcit_conn_nop_out(conn);
	case ISCSI_OP_LOGOUT:
		return zcit_conn_logout(conn);
	case ISCSI_OP_TEXT:
		return zcit_conn_text(conn);
	case ISCSI_OP_SCSI_TMFUNC:
		return zcit_conn_tmf(conn);
	case ISCSI_OP_LOGIN:
		/* RFC 7143 11.12: a Login in Full Feature Phase. */
		return zcit_conn_reject(conn, ISCSI_REASON_PROTOCOL_ERROR);
	default:
		return zcit_conn_reject(conn, ISCSI_REASON_CMD_NOT_SUPPORTED);
	}
}

/* Take in what LIO queued: buffers for writes, responses. */
static void zcit_conn_take_lists(struct zcit_conn *conn)
{
	struct zcit_cmd *cmd, *tmp;
	struct llist_node *list;

	list = llist_reverse_order(llist_del_all(&conn->wp_llist));
	llist_for_each_entry_safe(cmd, tmp, list, wp_node) {
		set_bit(ZCIT_CMD_WP, &cmd->flags);
		cmd->rx_cur.sg = cmd->se_cmd.t_data_sg;
		cmd->rx_cur.start = 0;
		cmd->rx_last = jiffies;
		if (WARN_ON_ONCE(!test_bit(ZCIT_CMD_RX, &cmd->flags)))
			zcit_conn_cmd_execute(conn, cmd);
		else
			zcit_conn_cmd_progress(conn, cmd);
	}
	list = llist_reverse_order(llist_del_all(&conn->rsp_llist));
	llist_for_each_entry_safe(cmd, tmp, list, lnode) {
		zcit_conn_cmd_detach(conn, cmd);
		if (cmd->rsp == ZCIT_TX_TM_RSP && conn->tmr_pending)
			conn->tmr_pending--;
		cmd->tx = cmd->rsp;
		cmd->tx_cur.sg = cmd->se_cmd.t_data_sg;
		cmd->tx_cur.start = 0;
		cmd->tx_sent = 0;
		zcit_conn_cmd_tx(conn, cmd);
	}
}

/*
 * Once a second (more often while a TMF is under way): finish the data
 * phase of writes LIO has aborted, which it waits for; ping an idle
 * initiator (RFC 7143 11.19: NOP-In with a TTT) and give up on one that
 * does not answer.  Return: false to close the connection.
 */
static bool zcit_conn_tick_work(struct zcit_conn *conn)
{
	struct zcit_cmd *cmd, *tmp;
	struct iscsi_nopin ping;
	struct zcit_nacl *nacl;
	struct zcit_sn sn;
	u32 t, rt;

	list_for_each_entry_safe(cmd, tmp, &conn->rx_cmds, rx_node)
		if (test_bit(ZCIT_CMD_WP, &cmd->flags) && !cmd->rx_busy &&
		    (READ_ONCE(cmd->se_cmd.transport_state) & CMD_T_ABORTED))
			zcit_conn_cmd_execute(conn, cmd);
	if (!conn->sess->se_sess)
		return true;
	nacl = to_zcit_nacl(conn->sess->se_sess->se_node_acl);
	/*
	 * As iscsi_target_mod at ErrorRecoveryLevel 0: write data that stops
	 * coming for attrib/dataout_timeout seconds ends the connection.
	 */
	t = nacl->attrib[ZCIT_NA_DATAOUT_TIMEOUT];
	list_for_each_entry(cmd, &conn->rx_cmds, rx_node)
		if (t && test_bit(ZCIT_CMD_WP, &cmd->flags) &&
		    time_after(jiffies, cmd->rx_last + t * HZ)) {
			pr_info("%pISpc: no Data-Out for ITT 0x%08x in %u s: closing\n",
				&conn->peer,
				be32_to_cpu((__force __be32)cmd->itt), t);
			return false;
		}
	t = nacl->attrib[ZCIT_NA_NOPIN_TIMEOUT];
	rt = nacl->attrib[ZCIT_NA_NOPIN_RESPONSE_TIMEOUT];
	if (conn->ping_out) {
		if (rt && time_after(jiffies, conn->ping_sent + rt * HZ)) {
			pr_info("%pISpc: no answer to NOP-In for %u s: closing\n",
				&conn->peer, rt);
			return false;
		}
		return true;
	}
	if (!t || !time_after(jiffies, conn->last_rx + t * HZ))
		return true;
	if (++conn->ping_ttt == ISCSI_RESERVED_TAG)
		conn->ping_ttt = 1;
	zcit_conn_sn(conn, &sn, false);
	zcit_build_nopin_ping(&ping, conn->ping_ttt, &sn);
	if (zcit_conn_queue_pdu(conn, &ping, NULL, 0))
		return true;
	conn->ping_out = true;
	conn->ping_sent = jiffies;
	return true;
}

/* RFC 7143 11.9.1: ask the initiator to log out. */
static void zcit_conn_ask_logout(struct zcit_conn *conn)
{
	struct iscsi_async msg;
	struct zcit_sn sn;

	if (conn->sess->discovery)
		return;
	zcit_conn_sn(conn, &sn, true);
	zcit_build_async_logout(&msg, ZCIT_ASYNC_LOGOUT_WAIT, &sn);
	zcit_conn_queue_pdu(conn, &msg, NULL, 0);
}

static void zcit_conn_io_work(struct work_struct *work)
{
	struct zcit_conn *conn = container_of(work, struct zcit_conn, io_work);
	int budget = ZCIT_IO_BUDGET;
	int rx, tx;

	if (test_bit(ZCIT_CONN_DEAD, &conn->flags))
		return;
	if (test_bit(ZCIT_CONN_KILL, &conn->flags))
		goto kill;
	if (!conn->ffp && test_bit(ZCIT_CONN_TIMEDOUT, &conn->flags)) {
		pr_info("login from %pISpc timed out\n", &conn->peer);
		goto kill;
	}
	if (test_and_clear_bit(ZCIT_CONN_TICK, &conn->flags) && conn->ffp &&
	    !zcit_conn_tick_work(conn))
		goto kill;
	if (test_and_clear_bit(ZCIT_CONN_ASK_LOGOUT, &conn->flags) &&
	    conn->ffp)
		zcit_conn_ask_logout(conn);
	do {
		zcit_conn_take_lists(conn);
		rx = 0;
		if (!conn->close_after_tx && conn->tx_queued < ZCIT_TX_MAX) {
			rx = zcit_conn_try_recv(conn);
			if (rx < 0)
				goto fail;
		}
		tx = zcit_conn_try_send(conn);
		if (tx < 0)
			goto fail;
		if (conn->close_after_tx && list_empty(&conn->tx_list) &&
		    !conn->txp.total)
			goto kill;
	} while ((rx || tx) && --budget);
	if (!budget)
		zcit_conn_queue_io(conn);
	return;
fail:
	if (rx != -ECONNRESET && tx != -ECONNRESET)
		pr_debug("%pISpc: closing after error %d/%d\n", &conn->peer,
			 rx, tx);
kill:
	zcit_conn_kill(conn);
}

/**
 * zcit_conn_accept() - start the login of a new connection
 * @sock: the accepted socket, now owned by zcit
 * @listen: address of the portal it came in through
 *
 * Called from the portal's accept work; never blocks on the peer.
 */
void zcit_conn_accept(struct socket *sock, const struct sockaddr_storage *listen)
{
	struct sock *sk = sock->sk;
	struct zcit_conn *conn;
	int cpu;

	if (atomic_inc_return(&zcit_logins) > ZCIT_MAX_LOGINS) {
		atomic_dec(&zcit_logins);
		pr_warn_ratelimited("too many logins in progress: connection closed\n");
		goto err_sock;
	}
	conn = kzalloc(sizeof(*conn), GFP_KERNEL);
	if (!conn)
		goto err_count;
	set_bit(ZCIT_CONN_IN_LOGIN, &conn->flags);
	conn->sock = sock;
	conn->listen = *listen;
	INIT_LIST_HEAD(&conn->tx_list);
	INIT_LIST_HEAD(&conn->rx_cmds);
	INIT_LIST_HEAD(&conn->tx_cmds);
	INIT_LIST_HEAD(&conn->ooo);
	init_llist_head(&conn->wp_llist);
	init_llist_head(&conn->rsp_llist);
	spin_lock_init(&conn->cmd_lock);
	init_waitqueue_head(&conn->cmd_wq);
	timer_setup(&conn->tick_timer, zcit_tick, 0);
	INIT_LIST_HEAD(&conn->tpg_node);
	INIT_LIST_HEAD(&conn->sess_node);
	INIT_WORK(&conn->io_work, zcit_conn_io_work);
	INIT_WORK(&conn->release_work, zcit_conn_release);
	timer_setup(&conn->login_timer, zcit_login_timeout, 0);
	conn->rx_need = ZCIT_BHS_LEN;
	conn->max_xmit_dsl = ZCIT_TEXT_PDU_MAX;
	if (kernel_getsockname(sock, (struct sockaddr *)&conn->local) < 0 ||
	    kernel_getpeername(sock, (struct sockaddr *)&conn->peer) < 0)
		goto err_free;
	conn->scratch = alloc_page(GFP_KERNEL);
	if (!conn->scratch)
		goto err_free;
	conn->login = kmalloc(sizeof(*conn->login), GFP_KERNEL);
	if (!conn->login)
		goto err_free;
	if (zcit_login_init(conn->login, &zcit_login_ops, conn)) {
		kfree(conn->login);
		conn->login = NULL;
		goto err_free;
	}

	/* The io work runs where the socket's packets arrive. */
	cpu = READ_ONCE(sk->sk_incoming_cpu);
	if (cpu < 0 || !cpu_online(cpu) ||
	    !cpumask_test_cpu(cpu, zcit_global.allowed_cpus))
		cpu = WORK_CPU_UNBOUND;
	conn->cpu = cpu;
	tcp_sock_set_nodelay(sk);
	conn->accepted = jiffies;
	mod_timer(&conn->login_timer,
		  jiffies + ZCIT_LOGIN_TIMEOUT_DEF * HZ);

	write_lock_bh(&sk->sk_callback_lock);
	sk->sk_user_data = conn;
	conn->saved_data_ready = sk->sk_data_ready;
	conn->saved_write_space = sk->sk_write_space;
	conn->saved_state_change = sk->sk_state_change;
	sk->sk_data_ready = zcit_sock_data_ready;
	sk->sk_write_space = zcit_sock_write_space;
	sk->sk_state_change = zcit_sock_state_change;
	write_unlock_bh(&sk->sk_callback_lock);

	spin_lock_bh(&zcit_conns_lock);
	list_add_tail(&conn->node, &zcit_conns);
	spin_unlock_bh(&zcit_conns_lock);
	pr_debug("connection from %pISpc to %pISpc\n", &conn->peer,
		 &conn->local);
	/* Data may have arrived before the callbacks were in place. */
	zcit_conn_queue_io(conn);
	return;

err_free:
	if (conn->login) {
		zcit_login_free(conn->login);
		kfree(conn->login);
	}
	if (conn->scratch)
		__free_page(conn->scratch);
	kfree(conn);
err_count:
	atomic_dec(&zcit_logins);
err_sock:
	kernel_sock_shutdown(sock, SHUT_RDWR);
	sock_release(sock);
}

/**
 * zcit_conn_set_login_timeout() - apply the TPG's attrib/login_timeout
 * @conn: a connection still logging in
 * @seconds: the timeout, counted from the accept
 */
void zcit_conn_set_login_timeout(struct zcit_conn *conn, u32 seconds)
{
	if (!conn->ffp)
		mod_timer(&conn->login_timer,
			  conn->accepted + (unsigned long)seconds * HZ);
}

/* Connections of @tpg that came in through @portal (NULL: any). */
static bool zcit_tpg_has_conns(struct zcit_tpg *tpg,
			       const struct sockaddr_storage *portal)
{
	struct zcit_conn *conn;
	bool found = false;

	spin_lock_bh(&tpg->conn_lock);
	list_for_each_entry(conn, &tpg->conns, tpg_node)
		if (!portal || zcit_sockaddr_equal(&conn->listen, portal)) {
			found = true;
			break;
		}
	spin_unlock_bh(&tpg->conn_lock);
	return found;
}

/**
 * zcit_tpg_close_conns() - close the connections of a TPG and wait
 * @tpg: the TPG
 * @portal: only those that came in through this portal, or NULL for all
 *	(then new logins can no longer resolve to @tpg)
 *
 * Initiators in Full Feature Phase are first asked to log out (RFC 7143
 * 11.9.1, AsyncEvent 1) and given ZCIT_ASYNC_LOGOUT_WAIT seconds; what is
 * left then is closed.  Called without zcit_cfg_mutex: the connections'
 * release may need it.
 */
void zcit_tpg_close_conns(struct zcit_tpg *tpg,
			  const struct sockaddr_storage *portal)
{
	struct zcit_conn *conn;
	bool asked = false;

	spin_lock_bh(&tpg->conn_lock);
	list_for_each_entry(conn, &tpg->conns, tpg_node) {
		if (portal && !zcit_sockaddr_equal(&conn->listen, portal))
			continue;
		if (READ_ONCE(conn->ffp)) {
			set_bit(ZCIT_CONN_ASK_LOGOUT, &conn->flags);
			zcit_conn_queue_io(conn);
			asked = true;
		}
	}
	spin_unlock_bh(&tpg->conn_lock);
	if (asked)
		wait_event_timeout(tpg->conn_wq,
				   !zcit_tpg_has_conns(tpg, portal),
				   (ZCIT_ASYNC_LOGOUT_WAIT + 1) * HZ);

	spin_lock_bh(&tpg->conn_lock);
	list_for_each_entry(conn, &tpg->conns, tpg_node)
		if (!portal || zcit_sockaddr_equal(&conn->listen, portal))
			zcit_conn_request_kill(conn);
	spin_unlock_bh(&tpg->conn_lock);
	wait_event(tpg->conn_wq, !zcit_tpg_has_conns(tpg, portal));
	/* The last waker may still hold the lock, inside @tpg. */
	spin_lock_bh(&tpg->conn_lock);
	spin_unlock_bh(&tpg->conn_lock);
}

/**
 * zcit_conn_init() - set up the transport
 *
 * Return: 0 or -ENOMEM.
 */
int zcit_conn_init(void)
{
	/*
	 * Not WQ_HIGHPRI (as nvmet-tcp is): a high-priority io work preempts
	 * a sender on the same CPU at every segment it sends, and reads each
	 * PDU piecemeal.  With the initiator on the same machine, 128 KiB
	 * writes ran at half the throughput and twice the CPU per I/O.
	 */
	zcit_wq = alloc_workqueue("zcit_io", WQ_MEM_RECLAIM, 0);
	return zcit_wq ? 0 : -ENOMEM;
}

/**
 * zcit_conn_exit() - close every connection left and tear down
 *
 * Normal sessions are gone already (their TPGs were removed); what may be
 * left are logins in progress and discovery sessions.
 */
void zcit_conn_exit(void)
{
	struct zcit_conn *conn;

	spin_lock_bh(&zcit_conns_lock);
	list_for_each_entry(conn, &zcit_conns, node)
		zcit_conn_request_kill(conn);
	spin_unlock_bh(&zcit_conns_lock);
	wait_event(zcit_conns_wq, list_empty_careful(&zcit_conns));
	destroy_workqueue(zcit_wq);
}
