/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zcit protocol engine: CHAP authentication (RFC 1994, RFC 7143 section
 * 12.1.3), with the digests of the kernel's crypto API.
 *
 * Pure code: no sockets, no LIO calls.  KUnit tests it directly.
 */
#ifndef ZCIT_CHAP_H
#define ZCIT_CHAP_H

#include <linux/types.h>
#include <zcit/text.h>

/* CHAP_A values (RFC 1994; IANA PPP authentication algorithms). */
enum zcit_chap_alg {
	ZCIT_CHAP_MD5 = 5,
	ZCIT_CHAP_SHA1 = 6,
	ZCIT_CHAP_SHA256 = 7,
	ZCIT_CHAP_SHA3_256 = 8,
};

/* Largest digest of the algorithms above. */
#define ZCIT_CHAP_DIGEST_MAX	32
/* Length of the challenges the target sends. */
#define ZCIT_CHAP_CHALLENGE_LEN	32
/* Largest binary CHAP_C or CHAP_R value accepted from an initiator. */
#define ZCIT_CHAP_BIN_MAX	1024

/**
 * struct zcit_chap - CHAP exchange of one login, target side
 * @alg: the CHAP_A chosen, 0 before zcit_chap_choose()
 * @digest_len: its digest size
 * @id: the CHAP_I the target sent
 * @challenge: the CHAP_C the target sent
 * @challenge_len: its length
 */
struct zcit_chap {
	int alg;
	u32 digest_len;
	u8 id;
	u8 challenge[ZCIT_CHAP_CHALLENGE_LEN];
	u32 challenge_len;
};

int zcit_chap_choose(struct zcit_chap *c, const char *chap_a);
int zcit_chap_challenge(struct zcit_chap *c, struct zcit_text_out *out);
int zcit_chap_verify(const struct zcit_chap *c, const char *secret,
		     const char *chap_r);
int zcit_chap_respond(const struct zcit_chap *c, const char *secret,
		      const char *chap_i, const char *chap_c,
		      struct zcit_text_out *out);
int zcit_chap_decode(const char *s, u8 *buf, u32 size, u32 *len);

#endif /* ZCIT_CHAP_H */
