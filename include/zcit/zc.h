/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zcit transport: zero-copy sending and receiving of PDUs whose payload
 * lives in a command's scatterlist.
 */
#ifndef ZCIT_ZC_H
#define ZCIT_ZC_H

#include <linux/net.h>
#include <linux/scatterlist.h>

/*
 * Headers are built in page_frag memory of this size, so that TCP can
 * take references to them instead of copying.  A multiple of 256 bytes
 * from a page_frag cache never straddles a page.
 */
#define ZCIT_TXHDR_SIZE		256

/**
 * struct zcit_sg_cur - a position in a scatterlist
 * @sg: the entry holding @pos (or an earlier one)
 * @start: buffer offset where @sg starts
 */
struct zcit_sg_cur {
	struct scatterlist *sg;
	u32 start;
};

/**
 * struct zcit_txpdu - one PDU being sent
 * @buf: page_frag buffer (ZCIT_TXHDR_SIZE): header, header digest and
 *	any inline data first, the tail after
 * @hlen: bytes of @buf sent before the scatterlist data
 * @cur: scatterlist cursor
 * @pos: buffer offset of the scatterlist data
 * @dlen: scatterlist data bytes
 * @tail: padding and data digest, inside @buf
 * @tlen: their length
 * @off: bytes of the PDU handed to TCP
 * @total: bytes in the PDU
 */
struct zcit_txpdu {
	u8 *buf;
	u32 hlen;
	struct zcit_sg_cur cur;
	u32 pos;
	u32 dlen;
	u8 *tail;
	u32 tlen;
	u32 off;
	u32 total;
};

int zcit_zc_send(struct socket *sock, struct zcit_txpdu *p, bool more);
int zcit_zc_recv(struct socket *sock, struct zcit_sg_cur *cur, u32 pos,
		 u32 len, u32 cap, struct page *scratch, u32 *crc);
void zcit_sg_seek(struct zcit_sg_cur *cur, u32 pos);
u32 zcit_sg_crc(const struct zcit_sg_cur *cur, u32 pos, u32 len, u32 crc);

#endif /* ZCIT_ZC_H */
