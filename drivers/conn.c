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
#include <net/sock.h>
#include <net/tcp.h>
#include <zcit/conn.h>

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

enum { ZCIT_RX_BHS, ZCIT_RX_AHS, ZCIT_RX_DATA };

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

static void zcit_conn_release(struct work_struct *work)
{
	struct zcit_conn *conn =
		container_of(work, struct zcit_conn, release_work);
	struct zcit_tx *tx, *tmp;

	/* The timer first: it queues the io work. */
	del_timer_sync(&conn->login_timer);
	cancel_work_sync(&conn->io_work);
	zcit_conn_end_login(conn);
	/* Leaves its session and TPG; may end the session. */
	zcit_sess_release_conn(conn);
	spin_lock_bh(&zcit_conns_lock);
	list_del(&conn->node);
	spin_unlock_bh(&zcit_conns_lock);
	/*
	 * Off every list now: nobody can queue the io work any more, but a
	 * list walker may have queued it since the first cancel; and the
	 * timer again, in case a last run of the io work re-armed it.
	 */
	cancel_work_sync(&conn->io_work);
	del_timer_sync(&conn->login_timer);
	if (conn->login) {
		zcit_login_free(conn->login);
		kfree(conn->login);
	}
	list_for_each_entry_safe(tx, tmp, &conn->tx_list, node)
		kvfree(tx);
	zcit_text_in_free(&conn->text_in);
	zcit_text_out_free(&conn->text_out);
	kvfree(conn->rx_data);
	sock_release(conn->sock);
	pr_debug("connection from %pISpc closed\n", &conn->peer);
	kfree(conn);
	wake_up_all(&zcit_conns_wq);
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

/* Send what is queued.  Return 1 on progress, 0 when blocked, or -errno. */
static int zcit_conn_try_send(struct zcit_conn *conn)
{
	struct zcit_tx *tx;
	int progress = 0;
	int ret;

	while ((tx = list_first_entry_or_null(&conn->tx_list, struct zcit_tx,
					      node))) {
		struct kvec iov = {
			.iov_base = tx->buf + tx->off,
			.iov_len = tx->len - tx->off,
		};
		struct msghdr msg = {
			.msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL,
		};

		if (!list_is_last(&tx->node, &conn->tx_list))
			msg.msg_flags |= MSG_MORE;
		ret = kernel_sendmsg(conn->sock, &msg, &iov, 1, iov.iov_len);
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
	}
	return progress;
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

/* The BHS is in: check it and size what follows. */
static int zcit_conn_got_bhs(struct zcit_conn *conn)
{
	struct iscsi_hdr *hdr = (struct iscsi_hdr *)conn->rx_hdr;
	struct zcit_pdu_lens *lens = &conn->rx_lens;
	u32 max = zcit_conn_max_data(conn);
	int ret;

	ret = zcit_bhs_parse(hdr, max, lens);
	conn->rx_bad = false;
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
	need = lens->data + lens->pad;
	if (lens->data && conn->data_digest)
		need += ZCIT_DIGEST_LEN;
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

/* Receive and handle at most one PDU.  Return 1, 0 (nothing), -errno. */
static int zcit_conn_try_recv(struct zcit_conn *conn)
{
	int progress = 0;
	int ret;

	for (;;) {
		u8 *buf = conn->rx_stage == ZCIT_RX_DATA ? conn->rx_data :
			  conn->rx_hdr;

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
		default:
			ret = zcit_conn_handle_pdu(conn);
			conn->rx_stage = ZCIT_RX_BHS;
			conn->rx_off = 0;
			conn->rx_need = ZCIT_BHS_LEN;
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

	zcit_sess_sn(conn, &sn);
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
	conn->ffp = true;
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
	if ((__force u32)req->itt == ISCSI_RESERVED_TAG)
		return 0;
	/* 11.18.5: the ping data is echoed, within what we may send. */
	dlen = min(dlen, conn->max_xmit_dsl);
	zcit_sess_sn(conn, &sn);
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
	zcit_sess_sn(conn, &sn);
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
		zcit_sess_sn(conn, &sn);
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
	zcit_sess_sn(conn, &sn);
	zcit_build_text_rsp(&rsp, req, more, conn->text_ttt, n, &sn);
	return zcit_conn_queue_pdu(conn, &rsp, data, n);
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
	case ISCSI_OP_LOGIN:
		/* RFC 7143 11.12: a Login in Full Feature Phase. */
		return zcit_conn_reject(conn, ISCSI_REASON_PROTOCOL_ERROR);
	default:
		return zcit_conn_reject(conn, ISCSI_REASON_CMD_NOT_SUPPORTED);
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
	do {
		rx = 0;
		if (!conn->close_after_tx && conn->tx_queued < ZCIT_TX_MAX) {
			rx = zcit_conn_try_recv(conn);
			if (rx < 0)
				goto fail;
		}
		tx = zcit_conn_try_send(conn);
		if (tx < 0)
			goto fail;
		if (conn->close_after_tx && list_empty(&conn->tx_list))
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

/**
 * zcit_tpg_close_conns() - close every connection of a TPG and wait
 * @tpg: a TPG new logins can no longer resolve to
 *
 * Called without zcit_cfg_mutex: the connections' release may need it.
 */
void zcit_tpg_close_conns(struct zcit_tpg *tpg)
{
	struct zcit_conn *conn;

	spin_lock_bh(&tpg->conn_lock);
	list_for_each_entry(conn, &tpg->conns, tpg_node)
		zcit_conn_request_kill(conn);
	spin_unlock_bh(&tpg->conn_lock);
	wait_event(tpg->conn_wq, list_empty_careful(&tpg->conns));
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
	zcit_wq = alloc_workqueue("zcit_io", WQ_MEM_RECLAIM | WQ_HIGHPRI, 0);
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
