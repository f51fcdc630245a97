// SPDX-License-Identifier: GPL-2.0
/*
 * zcit transport: zero-copy sending and receiving.
 *
 * Read data leaves straight from the pages of the command's scatterlist:
 * on 6.1 with kernel_sendpage(), from 6.5 with sendmsg(MSG_SPLICE_PAGES)
 * over one bio_vec array holding header, payload pages and tail.  TCP
 * takes page references instead of copying, so a header lives in page_frag
 * memory and is released (page_frag_free()) once handed over.  Write data
 * is received straight into the command's pages with sock_recvmsg() over a
 * bio_vec iterator.  Every call is non-blocking and resumable.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/bvec.h>
#include <linux/crc32c.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/uio.h>
#include <net/sock.h>
#include <zcit/compat.h>
#include <zcit/zc.h>

/* bio_vecs built per socket call. */
#define ZCIT_ZC_BVECS		16

static void zcit_bvec(struct bio_vec *bv, struct page *page, u32 off, u32 len)
{
	bv->bv_page = page;
	bv->bv_offset = off;
	bv->bv_len = len;
}

/* Linear memory (a page_frag buffer, which never straddles a page). */
static void zcit_bvec_buf(struct bio_vec *bv, void *buf, u32 len)
{
	zcit_bvec(bv, virt_to_page(buf), offset_in_page(buf), len);
}

/**
 * zcit_sg_seek() - move a cursor forward to the entry holding an offset
 * @cur: the cursor, at or before @pos
 * @pos: buffer offset
 */
void zcit_sg_seek(struct zcit_sg_cur *cur, u32 pos)
{
	while (cur->sg && pos >= cur->start + cur->sg->length) {
		cur->start += cur->sg->length;
		cur->sg = sg_next(cur->sg);
	}
}

/*
 * bio_vecs for [pos, pos + len) of a scatterlist, one per page, at most
 * @max.  Moves @cur up to the entry holding @pos.  Return: how many;
 * *@covered is set to the bytes they hold.
 */
static int zcit_sg_bvecs(struct zcit_sg_cur *cur, u32 pos, u32 len,
			 struct bio_vec *bv, int max, u32 *covered)
{
	struct scatterlist *sg;
	u32 start, done = 0;
	int n = 0;

	zcit_sg_seek(cur, pos);
	sg = cur->sg;
	start = cur->start;
	while (sg && done < len && n < max) {
		u32 in = pos + done - start;
		u32 off, poff, l;

		if (in >= sg->length) {
			start += sg->length;
			sg = sg_next(sg);
			continue;
		}
		off = sg->offset + in;
		poff = offset_in_page(off);
		l = min3(len - done, sg->length - in, (u32)PAGE_SIZE - poff);
		zcit_bvec(&bv[n++], nth_page(sg_page(sg), off >> PAGE_SHIFT),
			  poff, l);
		done += l;
	}
	*covered = done;
	return n;
}

static u32 zcit_bvec_crc(const struct bio_vec *bv, int n, u32 bytes, u32 crc)
{
	int i;

	for (i = 0; i < n && bytes; i++) {
		u32 l = min(bytes, bv[i].bv_len);
		u8 *p = kmap_local_page(bv[i].bv_page);

		crc = crc32c(crc, p + bv[i].bv_offset, l);
		kunmap_local(p);
		bytes -= l;
	}
	return crc;
}

/**
 * zcit_sg_crc() - CRC32C over part of a scatterlist
 * @cur: cursor at or before @pos (left where it is)
 * @pos: buffer offset
 * @len: bytes
 * @crc: running value
 *
 * Return: the updated value.
 */
u32 zcit_sg_crc(const struct zcit_sg_cur *cur, u32 pos, u32 len, u32 crc)
{
	struct bio_vec bv[ZCIT_ZC_BVECS];
	struct zcit_sg_cur c = *cur;
	u32 got;
	int n;

	while (len) {
		n = zcit_sg_bvecs(&c, pos, len, bv, ARRAY_SIZE(bv), &got);
		if (!got)
			break;
		crc = zcit_bvec_crc(bv, n, got, crc);
		pos += got;
		len -= got;
	}
	return crc;
}

/* bio_vecs for what is left of @p, at most @max. */
static int zcit_txpdu_bvecs(struct zcit_txpdu *p, struct bio_vec *bv, int max,
			    u32 *bytes)
{
	u32 off = p->off, got, total = 0;
	int n = 0;

	if (off < p->hlen) {
		zcit_bvec_buf(&bv[n++], p->buf + off, p->hlen - off);
		total += p->hlen - off;
		off = p->hlen;
	}
	if (off < p->hlen + p->dlen) {
		u32 in = off - p->hlen;

		n += zcit_sg_bvecs(&p->cur, p->pos + in, p->dlen - in, bv + n,
				   max - n - 1, &got);
		total += got;
		off += got;
	}
	if (off == p->hlen + p->dlen && p->tlen && off < p->total) {
		u32 in = off - p->hlen - p->dlen;

		zcit_bvec_buf(&bv[n++], p->tail + in, p->tlen - in);
		total += p->tlen - in;
	}
	*bytes = total;
	return n;
}

#if ZCIT_USE_SPLICE_PAGES
static int zcit_send_bvecs(struct socket *sock, struct bio_vec *bv, int n,
			   u32 bytes, bool more)
{
	struct msghdr msg = {
		.msg_flags = MSG_SPLICE_PAGES | MSG_DONTWAIT | MSG_NOSIGNAL,
	};

	if (more)
		msg.msg_flags |= MSG_MORE;
	iov_iter_bvec(&msg.msg_iter, ITER_SOURCE, bv, n, bytes);
	return sock_sendmsg(sock, &msg);
}
#else
static int zcit_send_bvecs(struct socket *sock, struct bio_vec *bv, int n,
			   u32 bytes, bool more)
{
	int sent = 0, ret, i;

	for (i = 0; i < n; i++) {
		int flags = MSG_DONTWAIT | MSG_NOSIGNAL;

		if (more || i < n - 1)
			flags |= MSG_MORE | MSG_SENDPAGE_NOTLAST;
		ret = kernel_sendpage(sock, bv[i].bv_page, bv[i].bv_offset,
				      bv[i].bv_len, flags);
		if (ret <= 0)
			return sent ? sent : ret;
		sent += ret;
		if (ret < bv[i].bv_len)
			break;
	}
	return sent;
}
#endif

/**
 * zcit_zc_send() - hand what is left of a PDU to TCP, without copying
 * @sock: the socket
 * @p: the PDU; @p->off moves forward
 * @more: more PDUs follow at once (MSG_MORE)
 *
 * Return: 1 when the PDU is all sent, 0 when TCP takes no more now, or a
 * negative errno.
 */
int zcit_zc_send(struct socket *sock, struct zcit_txpdu *p, bool more)
{
	struct bio_vec bv[ZCIT_ZC_BVECS];
	u32 bytes;
	int n, ret;

	while (p->off < p->total) {
		n = zcit_txpdu_bvecs(p, bv, ARRAY_SIZE(bv), &bytes);
		if (WARN_ON_ONCE(!bytes))
			return -EIO;
		ret = zcit_send_bvecs(sock, bv, n, bytes,
				      more || p->off + bytes < p->total);
		if (ret == -EAGAIN)
			return 0;
		if (ret <= 0)
			return ret ? ret : -EPIPE;
		p->off += ret;
		if (ret < bytes)
			return 0;
	}
	return 1;
}

/**
 * zcit_zc_recv() - receive data straight into a scatterlist
 * @sock: the socket
 * @cur: cursor into the command's scatterlist
 * @pos: buffer offset the next byte goes to
 * @len: bytes still expected
 * @cap: buffer size: bytes at or past it are received into @scratch and
 *	dropped
 * @scratch: a page for them
 * @crc: running CRC32C over what is received, or NULL
 *
 * Return: bytes received (> 0), -EAGAIN, -ECONNRESET at end of stream, or
 * another negative errno.
 */
int zcit_zc_recv(struct socket *sock, struct zcit_sg_cur *cur, u32 pos,
		 u32 len, u32 cap, struct page *scratch, u32 *crc)
{
	struct bio_vec bv[ZCIT_ZC_BVECS];
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL };
	u32 bytes = 0;
	int n = 0, ret;

	if (pos < cap)
		n = zcit_sg_bvecs(cur, pos, min(len, cap - pos), bv,
				  ARRAY_SIZE(bv), &bytes);
	if (!bytes) {
		/* Past the buffer: one page of scratch per call. */
		zcit_bvec(&bv[0], scratch, 0, min_t(u32, len, PAGE_SIZE));
		bytes = bv[0].bv_len;
		n = 1;
	}
	iov_iter_bvec(&msg.msg_iter, ITER_DEST, bv, n, bytes);
	ret = sock_recvmsg(sock, &msg, msg.msg_flags);
	if (ret == 0)
		return -ECONNRESET;
	if (ret > 0 && crc)
		*crc = zcit_bvec_crc(bv, n, ret, *crc);
	return ret;
}
