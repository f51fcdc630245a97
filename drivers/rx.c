// SPDX-License-Identifier: GPL-2.0
/*
 * zcit transport: receiving.
 *
 * A resumable state machine (&enum zcit_rx_stage) reads the stream
 * without blocking: the BHS, then AHS and header digest, then the data
 * segment, either whole into a buffer (control PDUs) or straight into a
 * command's pages (write data, zc.c).  It owns the framing (lengths,
 * padding, digests) and the drop policy; what a PDU means is asked of the
 * protocol actions (&struct zcit_conn_ops), whose &struct zcit_rx_act
 * says what to do next: this file never goes back up with a half-handled
 * PDU.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/net.h>
#include <scsi/iscsi_proto.h>
#include <zcit/transport.h>

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

static void zcit_rx_next(struct zcit_conn *conn)
{
	conn->rx_stage = ZCIT_RX_BHS;
	conn->rx_off = 0;
	conn->rx_need = ZCIT_BHS_LEN;
}

/* Drop the data segment of the PDU whose header is in. */
static void zcit_rx_skip(struct zcit_conn *conn)
{
	u32 len = conn->rx_lens.data;

	conn->rx_discard = len + zcit_pdu_tail_len(len, conn->data_digest);
	if (conn->rx_discard)
		conn->rx_stage = ZCIT_RX_DISCARD;
	else
		zcit_rx_next(conn);
}

/* Collect the data segment of a control PDU into rx_data. */
static int zcit_rx_collect(struct zcit_conn *conn)
{
	u32 len = conn->rx_lens.data;
	u32 need = len + zcit_pdu_tail_len(len, conn->data_digest);

	if (need > conn->rx_cap) {
		u8 *buf = kvmalloc(need, GFP_KERNEL);

		if (!buf)
			return -ENOMEM;
		kvfree(conn->rx_data);
		conn->rx_data = buf;
		conn->rx_cap = need;
	}
	conn->rx_stage = ZCIT_RX_PDU;
	conn->rx_off = 0;
	conn->rx_need = need;
	return 0;
}

/*
 * Carry out a handler's verdict.  @consumed: the data segment has been
 * read already (a whole control PDU).  Return: 0 or -errno (-ECANCELED:
 * the handler ends the connection).
 */
static int zcit_rx_apply(struct zcit_conn *conn, const struct zcit_rx_act *act,
			 bool consumed)
{
	switch (act->verdict) {
	case ZCIT_RX_NEXT:
		zcit_rx_next(conn);
		return 0;
	case ZCIT_RX_DATA:
		return zcit_rx_collect(conn);
	case ZCIT_RX_INTO:
		conn->rx_dest = act->dest;
		conn->rx_crc = ~0U;
		conn->rx_stage = ZCIT_RX_SGL;
		return 0;
	case ZCIT_RX_WAIT:
		conn->rx_dest = act->dest;
		conn->rx_stage = ZCIT_RX_HELD;
		return 0;
	case ZCIT_RX_REJECT:
		if (conn->ops->reject(conn, act->reason))
			return -ENOMEM;
		fallthrough;
	case ZCIT_RX_SKIP:
		if (consumed)
			zcit_rx_next(conn);
		else
			zcit_rx_skip(conn);
		return 0;
	case ZCIT_RX_FAIL:
		conn->rx_fail = act->why;
		return -ECANCELED;
	}
	return -EINVAL;
}

/**
 * zcit_conn_rx_cancel() - the command data was going to is gone
 * @conn: the connection, in its io work, receiving into (or waiting for)
 *	that command's buffers
 *
 * The rest of the PDU is read and dropped.
 */
void zcit_conn_rx_cancel(struct zcit_conn *conn)
{
	switch (conn->rx_stage) {
	case ZCIT_RX_HELD:
	case ZCIT_RX_SGL:
		conn->rx_discard = conn->rx_dest.left +
				   zcit_pdu_tail_len(conn->rx_lens.data,
						     conn->data_digest);
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

/* Padding and data digest of write data are in. */
static int zcit_rx_data_done(struct zcit_conn *conn)
{
	u32 pad = zcit_pad4(conn->rx_lens.data);
	void *owner = conn->rx_dest.owner;
	__le32 d;

	if (conn->data_digest) {
		d = cpu_to_le32(~crc32c(conn->rx_crc, conn->rx_tail, pad));
		if (memcmp(&d, conn->rx_tail + pad, ZCIT_DIGEST_LEN)) {
			/*
			 * RFC 7143 7.8: at ErrorRecoveryLevel 0 the data is
			 * lost for good: reject the PDU and drop the
			 * connection, as iscsi_target_mod does.
			 */
			pr_warn_ratelimited("%pISpc: data digest error: closing\n",
					    &conn->peer);
			conn->rx_fail = ZCIT_WHY_DATA_DIGEST;
			return -ECANCELED;
		}
	}
	zcit_rx_next(conn);
	conn->ops->rx_done(conn, owner);
	return 0;
}

/* Receive into the command's pages.  Return 1 when done, 0, or -errno. */
static int zcit_rx_sgl(struct zcit_conn *conn)
{
	struct zcit_rx_dest *d = &conn->rx_dest;
	int ret;

	while (d->left) {
		ret = zcit_zc_recv(conn->sock, d->cur, d->pos, d->left, d->cap,
				   conn->scratch,
				   conn->data_digest ? &conn->rx_crc : NULL);
		if (ret < 0)
			return ret == -EAGAIN ? 0 : ret;
		d->pos += ret;
		d->left -= ret;
	}
	conn->rx_stage = ZCIT_RX_TAIL;
	conn->rx_off = 0;
	conn->rx_need = zcit_pdu_tail_len(conn->rx_lens.data,
					  conn->data_digest);
	return 1;
}

/* Read and drop.  Return 1 when done, 0, or -errno. */
static int zcit_rx_drop(struct zcit_conn *conn)
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
	zcit_rx_next(conn);
	return 1;
}

/* The BHS is in: check it and size what follows. */
static int zcit_rx_got_bhs(struct zcit_conn *conn)
{
	struct iscsi_hdr *hdr = (struct iscsi_hdr *)conn->rx_hdr;
	struct zcit_pdu_lens *lens = &conn->rx_lens;
	bool ffp = zcit_conn_state(conn) == ZCIT_CONN_FFP;
	u32 max = ffp ? conn->max_recv_dsl : ZCIT_TEXT_PDU_MAX;
	int ret;

	ret = zcit_bhs_parse(hdr, max, lens);
	conn->rx_bad = false;
	conn->last_rx = jiffies;
	if (ret == -EBADMSG && ffp && lens->data <= max) {
		/* RFC 7143 11.17.1: an unknown opcode gets a Reject. */
		conn->rx_bad = true;
	} else if (ret) {
		pr_debug("%pISpc: bad BHS (opcode 0x%02x, %u data bytes): %d\n",
			 &conn->peer, hdr->opcode, lens->data, ret);
		return -EPROTO;
	}
	conn->rx_stage = ZCIT_RX_AHS;
	conn->rx_off = ZCIT_BHS_LEN;
	conn->rx_need = zcit_pdu_hdr_len(lens, conn->hdr_digest);
	return 0;
}

/* The whole header is in: check its digest and ask what it means. */
static int zcit_rx_got_hdr(struct zcit_conn *conn)
{
	struct zcit_rx_act act = { .verdict = ZCIT_RX_DATA };

	if (conn->hdr_digest) {
		u32 hlen = ZCIT_BHS_LEN + conn->rx_lens.ahs;
		__le32 d = zcit_digest(conn->rx_hdr, hlen);

		/* RFC 7143 7.8: a header digest error drops the connection. */
		if (memcmp(&d, conn->rx_hdr + hlen, ZCIT_DIGEST_LEN)) {
			pr_warn_ratelimited("%pISpc: header digest error: closing\n",
					    &conn->peer);
			return -EBADMSG;
		}
	}
	if (!conn->rx_bad)
		conn->ops->rx_hdr(conn, &act);
	return zcit_rx_apply(conn, &act, false);
}

/* RFC 7143 7.8: the data digest of a control PDU, if negotiated. */
static bool zcit_rx_pdu_digest_ok(struct zcit_conn *conn)
{
	struct zcit_pdu_lens *lens = &conn->rx_lens;
	__le32 d;

	if (!lens->data || !conn->data_digest)
		return true;
	d = zcit_digest(conn->rx_data, lens->data + lens->pad);
	return !memcmp(&d, conn->rx_data + lens->data + lens->pad,
		       ZCIT_DIGEST_LEN);
}

/* A whole control PDU is in. */
static int zcit_rx_got_pdu(struct zcit_conn *conn)
{
	struct zcit_rx_act act = { .verdict = ZCIT_RX_REJECT };

	/* At ErrorRecoveryLevel 0, a data digest error gets a Reject. */
	if (!zcit_rx_pdu_digest_ok(conn)) {
		act.reason = ISCSI_REASON_DATA_DIGEST_ERROR;
	} else if (conn->rx_bad) {
		act.reason = ISCSI_REASON_CMD_NOT_SUPPORTED;
	} else {
		/* The first whole request ends the first-PDU deadline. */
		if (zcit_conn_state(conn) == ZCIT_CONN_LOGIN)
			zcit_conn_login_progress(conn);
		conn->ops->rx_pdu(conn, &act);
	}
	return zcit_rx_apply(conn, &act, true);
}

/* Where the next bytes go, or NULL when the stage does not read here. */
static u8 *zcit_rx_buf(struct zcit_conn *conn)
{
	switch (conn->rx_stage) {
	case ZCIT_RX_BHS:
	case ZCIT_RX_AHS:
		return conn->rx_hdr;
	case ZCIT_RX_PDU:
		return conn->rx_data;
	case ZCIT_RX_TAIL:
		return conn->rx_tail;
	case ZCIT_RX_HELD:
	case ZCIT_RX_SGL:
	case ZCIT_RX_DISCARD:
		break;
	}
	return NULL;
}

/*
 * The stages that do not read into a buffer.  Return: 1 to go on, 0 (no
 * progress possible now) or -errno; *@done set when the pass should end.
 */
static int zcit_rx_special(struct zcit_conn *conn, bool *done)
{
	struct zcit_rx_act act = {};
	int ret;

	switch (conn->rx_stage) {
	case ZCIT_RX_HELD:
		conn->ops->rx_wait(conn, &act);
		if (act.verdict == ZCIT_RX_WAIT)
			return 0;
		return zcit_rx_apply(conn, &act, false) ?: 1;
	case ZCIT_RX_SGL:
		return zcit_rx_sgl(conn);
	case ZCIT_RX_DISCARD:
		*done = true;
		return zcit_rx_drop(conn);
	case ZCIT_RX_BHS:
		if (conn->rx_off)
			break;
		/* Between PDUs: a parked command whose turn has come? */
		if (!conn->ops->rx_next(conn, &act))
			break;
		ret = zcit_rx_apply(conn, &act, false);
		return ret ?: 1;
	default:
		break;
	}
	return 2;	/* read into zcit_rx_buf() */
}

/**
 * zcit_conn_try_recv() - receive and handle what the socket has
 * @conn: the connection, in its io work
 *
 * Stops after a control PDU or a data segment, when the socket is empty,
 * or when the connection stops reading (draining, dead).
 *
 * Return: 1 on progress, 0 when nothing could be done, -ECANCELED when a
 * handler or a digest ends the connection (conn->rx_fail says why), or
 * another -errno (the connection is to be closed at once).
 */
int zcit_conn_try_recv(struct zcit_conn *conn)
{
	bool done = false;
	int progress = 0;
	int ret;

	while (zcit_conn_state(conn) < ZCIT_CONN_DRAINING) {
		ret = zcit_rx_special(conn, &done);
		if (ret < 0)
			return ret;
		if (done || !ret)
			return ret | progress;
		if (ret == 1) {
			progress = 1;
			continue;
		}
		if (conn->rx_off < conn->rx_need) {
			ret = zcit_conn_recv(conn,
					     zcit_rx_buf(conn) + conn->rx_off,
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
			ret = zcit_rx_got_bhs(conn);
			break;
		case ZCIT_RX_AHS:
			ret = zcit_rx_got_hdr(conn);
			break;
		case ZCIT_RX_TAIL:
			return zcit_rx_data_done(conn) ?: 1;
		default:
			return zcit_rx_got_pdu(conn) ?: 1;
		}
		if (ret)
			return ret;
	}
	return progress;
}
