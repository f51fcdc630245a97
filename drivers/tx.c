// SPDX-License-Identifier: GPL-2.0
/*
 * zcit transport: sending.
 *
 * Two kinds of PDU go out.  Control PDUs (login and text responses,
 * NOP-In, Reject, ...) are built whole, copied into a &struct zcit_tx and
 * queued with their StatSN, so they leave in that order.  Command PDUs
 * (R2T, Data-In, SCSI Response, TMF Response) are built one at a time by
 * the protocol actions (&zcit_conn_ops.tx_build) when the queue is empty,
 * straight into a page_frag header buffer, and their data goes out from
 * the command's pages without a copy (zc.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/net.h>
#include <zcit/compat.h>
#include <zcit/transport.h>

/**
 * struct zcit_tx - a control PDU waiting to be sent
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
 * zcit_conn_queue_pdu() - queue a control PDU for sending
 * @conn: the connection, in its io work
 * @hdr: its 48-byte BHS (no AHS)
 * @data: its data segment, copied
 * @dlen: length of @data
 *
 * Digests are added as negotiated.
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
	__le32 d;
	u8 *p;

	tx = kvzalloc(struct_size(tx, buf, ZCIT_BHS_LEN + hd + dlen + pad + dd),
		      GFP_KERNEL);
	if (!tx)
		return -ENOMEM;
	p = tx->buf;
	memcpy(p, hdr, ZCIT_BHS_LEN);
	p += ZCIT_BHS_LEN;
	if (hd) {
		d = zcit_digest(tx->buf, ZCIT_BHS_LEN);
		memcpy(p, &d, hd);
		p += hd;
	}
	if (dlen) {
		memcpy(p, data, dlen);
		p += dlen + pad;	/* zeroed: the padding is 0 */
	}
	if (dd) {
		d = zcit_digest(p - dlen - pad, dlen + pad);
		memcpy(p, &d, dd);
		p += dd;
	}
	tx->len = p - tx->buf;
	list_add_tail(&tx->node, &conn->tx_list);
	conn->tx_queued++;
	return 0;
}

/**
 * zcit_conn_send_last() - send one last BHS at once, before the close
 * @conn: the connection, in its io work, about to be closed
 * @hdr: its 48-byte BHS (no AHS, no data)
 *
 * Best effort, without blocking: nothing is sent while a PDU is partly
 * with TCP (the BHS would land inside it); PDUs queued and not started are
 * dropped with the connection.
 *
 * Return: 0 when all of it is with TCP, else -EBUSY, -EAGAIN or -errno.
 */
int zcit_conn_send_last(struct zcit_conn *conn, const void *hdr)
{
	struct zcit_tx *tx = list_first_entry_or_null(&conn->tx_list,
						      struct zcit_tx, node);
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL };
	u8 buf[ZCIT_BHS_LEN + ZCIT_DIGEST_LEN];
	struct kvec iov = { .iov_base = buf, .iov_len = ZCIT_BHS_LEN };
	__le32 d;
	int ret;

	if ((conn->txp.total && conn->txp.off) || (tx && tx->off))
		return -EBUSY;
	memcpy(buf, hdr, ZCIT_BHS_LEN);
	if (conn->hdr_digest) {
		d = zcit_digest(buf, ZCIT_BHS_LEN);
		memcpy(buf + ZCIT_BHS_LEN, &d, ZCIT_DIGEST_LEN);
		iov.iov_len += ZCIT_DIGEST_LEN;
	}
	ret = kernel_sendmsg(conn->sock, &msg, &iov, 1, iov.iov_len);
	if (ret < 0)
		return ret;
	return ret == iov.iov_len ? 0 : -EAGAIN;
}

/**
 * zcit_txp_start() - start a command PDU in a fresh page_frag buffer
 * @conn: the connection, in its io work
 *
 * Return: the zeroed header buffer (ZCIT_TXHDR_SIZE bytes), or NULL.
 */
u8 *zcit_txp_start(struct zcit_conn *conn)
{
	struct zcit_txpdu *p = &conn->txp;

	memset(p, 0, sizeof(*p));
	p->buf = page_frag_alloc(&conn->tx_frag, ZCIT_TXHDR_SIZE, GFP_NOIO);
	if (p->buf)
		memset(p->buf, 0, ZCIT_TXHDR_SIZE);
	return p->buf;
}

/**
 * zcit_txp_finish() - finish a command PDU whose header is in place
 * @conn: the connection, in its io work
 * @cur: cursor in the command's scatterlist, for @sg_len
 * @dlen: bytes of inline data already after the header, or 0
 * @pos: offset in the command's buffers of the data sent from them
 * @sg_len: bytes sent from the command's buffers, or 0
 *
 * Adds the header digest, then padding and data digest of the data.
 */
void zcit_txp_finish(struct zcit_conn *conn, const struct zcit_sg_cur *cur,
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
	p->cur = *cur;
	p->pos = pos;
	p->dlen = sg_len;
	p->tail = p->buf + ZCIT_TXHDR_SIZE / 2;
	p->tlen = pad + dd;
	if (dd) {
		crc = zcit_sg_crc(cur, pos, sg_len, ~0U);
		crc = crc32c(crc, p->tail, pad);
		d = cpu_to_le32(~crc);
		memcpy(p->tail + pad, &d, dd);
	}
	p->total = p->hlen + p->dlen + p->tlen;
}

/* The command PDU in conn->txp is all with TCP. */
static void zcit_txp_done(struct zcit_conn *conn)
{
	page_frag_free(conn->txp.buf);
	memset(&conn->txp, 0, sizeof(conn->txp));
	conn->ops->tx_done(conn);
}

/* Send the first queued control PDU.  Return 1 when all of it is sent. */
static int zcit_conn_send_tx(struct zcit_conn *conn, struct zcit_tx *tx)
{
	struct kvec iov = {
		.iov_base = tx->buf + tx->off,
		.iov_len = tx->len - tx->off,
	};
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL };
	int ret;

	/*
	 * Will another PDU follow at once?  Then TCP may hold this one back
	 * (MSG_MORE); if none follows, it must not, or it would sit there.
	 */
	if (!list_is_last(&tx->node, &conn->tx_list) || conn->ops->tx_more(conn))
		msg.msg_flags |= MSG_MORE;
	ret = kernel_sendmsg(conn->sock, &msg, &iov, 1, iov.iov_len);
	if (ret <= 0)
		return ret ? ret : -EPIPE;
	tx->off += ret;
	if (tx->off < tx->len)
		return 0;
	list_del(&tx->node);
	conn->tx_queued--;
	kvfree(tx);
	return 1;
}

/**
 * zcit_conn_try_send() - send what is queued, without blocking
 * @conn: the connection, in its io work
 *
 * A command PDU under way first, then control PDUs, then new command
 * PDUs.
 *
 * Return: 1 on progress, 0 when blocked or done, or -errno.
 */
int zcit_conn_try_send(struct zcit_conn *conn)
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
					   conn->ops->tx_more(conn));
			if (ret < 0)
				return ret;
			if (conn->txp.off != off)
				progress = 1;
			if (!ret)
				return progress;
			zcit_txp_done(conn);
			continue;
		}
		tx = list_first_entry_or_null(&conn->tx_list, struct zcit_tx,
					      node);
		if (tx) {
			ret = zcit_conn_send_tx(conn, tx);
			if (ret == -EAGAIN)
				return progress;
			if (ret < 0)
				return ret;
			progress = 1;
			continue;
		}
		ret = conn->ops->tx_build(conn);
		if (ret <= 0)
			return ret ? ret : progress;
	}
}

/**
 * zcit_conn_tx_pending() - is anything waiting to be sent?
 * @conn: the connection, in its io work
 *
 * Return: true if a PDU is under way or queued, or a command has one due.
 */
bool zcit_conn_tx_pending(struct zcit_conn *conn)
{
	return conn->txp.total || !list_empty(&conn->tx_list) ||
	       conn->ops->tx_more(conn);
}

/**
 * zcit_conn_tx_free() - free what is left to send
 * @conn: the connection, being freed
 */
void zcit_conn_tx_free(struct zcit_conn *conn)
{
	struct zcit_tx *tx, *tmp;

	list_for_each_entry_safe(tx, tmp, &conn->tx_list, node)
		kvfree(tx);
	if (conn->txp.buf)
		page_frag_free(conn->txp.buf);
	zcit_page_frag_cache_drain(&conn->tx_frag);
}
