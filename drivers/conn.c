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
 *
 * This file is the transport: socket callbacks, the io work, the receive
 * and send state machines, login, teardown.  What a PDU means in Full
 * Feature Phase, and the command PDUs sent back, are in ffp.c.
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
#include <zcit/ffp.h>
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
/* Login timeout until the TPG is known (attrib/login_timeout default). */
#define ZCIT_LOGIN_TIMEOUT_DEF	15

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

/*
 * Put @node on one of the lists LIO's callbacks feed, and have the io work
 * take it in.  Called from the connection's own io work (LIO answering
 * within target_submit()), no requeue is needed: the io work takes its
 * lists in again before it stops.
 */
static void zcit_conn_cmd_post(struct zcit_conn *conn, struct llist_node *node,
			       struct llist_head *list)
{
	llist_add(node, list);
	if (test_bit(ZCIT_CONN_DEAD, &conn->flags))
		wake_up(&conn->cmd_wq);
	else if (current_work() != &conn->io_work)
		zcit_conn_queue_io(conn);
}

/**
 * zcit_conn_cmd_ready() - LIO has a response for a command: queue it
 * @cmd: the command (cmd->rsp says which response)
 *
 * Any context.
 */
void zcit_conn_cmd_ready(struct zcit_cmd *cmd)
{
	zcit_conn_cmd_post(cmd->conn, &cmd->lnode, &cmd->conn->rsp_llist);
}

/**
 * zcit_conn_cmd_write_pending() - LIO has buffers for a write's data
 * @cmd: the command
 *
 * Any context.
 */
void zcit_conn_cmd_write_pending(struct zcit_cmd *cmd)
{
	zcit_conn_cmd_post(cmd->conn, &cmd->wp_node, &cmd->conn->wp_llist);
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

/**
 * zcit_conn_cmd_execute() - end the data phase of a write
 * @conn: the connection, in its io work
 * @cmd: the write
 *
 * LIO runs it, or, if it was aborted meanwhile, finishes the abort
 * (target_execute_cmd() checks).
 */
void zcit_conn_cmd_execute(struct zcit_conn *conn, struct zcit_cmd *cmd)
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

/**
 * zcit_conn_sn() - sequence numbers for a PDU built now
 * @conn: the connection, in its io work
 * @sn: filled in
 * @advance: the PDU takes a StatSN
 */
void zcit_conn_sn(struct zcit_conn *conn, struct zcit_sn *sn, bool advance)
{
	struct zcit_sess *sess = conn->sess;

	sn->statsn = advance ? conn->statsn++ : conn->statsn;
	spin_lock_bh(&sess->lock);
	sn->exp_cmdsn = sess->exp_cmdsn;
	sn->max_cmdsn = sess->max_cmdsn;
	spin_unlock_bh(&sess->lock);
}

/**
 * zcit_conn_cmd_tx() - a command has PDUs to send
 * @conn: the connection, in its io work
 * @cmd: the command, queued once
 */
void zcit_conn_cmd_tx(struct zcit_conn *conn, struct zcit_cmd *cmd)
{
	if (!test_and_set_bit(ZCIT_CMD_ON_TX, &cmd->flags))
		list_add_tail(&cmd->tx_node, &conn->tx_cmds);
}

/**
 * zcit_txp_start() - start a command PDU in a fresh page_frag buffer
 * @conn: the connection, in its io work
 * @cmd: the command
 * @last: the command's last PDU: it is freed once this one is sent
 *
 * Return: 0 or -ENOMEM.
 */
int zcit_txp_start(struct zcit_conn *conn, struct zcit_cmd *cmd, bool last)
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

/**
 * zcit_txp_finish() - finish a command PDU whose header is in place
 * @conn: the connection, in its io work
 * @cmd: the command
 * @dlen: bytes of inline data already after the header, or 0
 * @pos: offset in the command's buffers of the data sent from them
 * @sg_len: bytes sent from the command's buffers, or 0
 *
 * Adds the header digest, then padding and data digest of the data.
 */
void zcit_txp_finish(struct zcit_conn *conn, struct zcit_cmd *cmd,
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

/**
 * zcit_conn_rx_next() - read the next PDU's header next
 * @conn: the connection, in its io work
 */
void zcit_conn_rx_next(struct zcit_conn *conn)
{
	conn->rx_stage = ZCIT_RX_BHS;
	conn->rx_off = 0;
	conn->rx_need = ZCIT_BHS_LEN;
}

/**
 * zcit_conn_rx_skip() - drop the data segment of the PDU just received
 * @conn: the connection, in its io work
 *
 * Return: 0.
 */
int zcit_conn_rx_skip(struct zcit_conn *conn)
{
	conn->rx_discard = zcit_conn_wire_len(conn);
	if (!conn->rx_discard) {
		zcit_conn_rx_next(conn);
		return 0;
	}
	conn->rx_stage = ZCIT_RX_DISCARD;
	return 0;
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

/**
 * zcit_conn_reject() - answer the PDU in rx_hdr with a Reject
 * @conn: the connection, in its io work
 * @reason: ISCSI_REASON_*
 *
 * Return: 0 or -ENOMEM.
 */
int zcit_conn_reject(struct zcit_conn *conn, u8 reason)
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

static int zcit_conn_handle_pdu(struct zcit_conn *conn)
{
	struct zcit_pdu_lens *lens = &conn->rx_lens;

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
	return zcit_conn_ffp_pdu(conn);
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
