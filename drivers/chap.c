// SPDX-License-Identifier: GPL-2.0
/*
 * zcit protocol engine: CHAP authentication, target side.
 *
 * RFC 1994 (CHAP) as used by iSCSI, RFC 7143 section 12.1.3:
 *
 *   I->T  CHAP_A=<A1,A2,...>                    zcit_chap_choose()
 *   T->I  CHAP_A=<A> CHAP_I=<I> CHAP_C=<C>      zcit_chap_challenge()
 *   I->T  CHAP_N=<N> CHAP_R=<R>                 zcit_chap_verify()
 *         [CHAP_I=<I'> CHAP_C=<C'>]             (mutual CHAP)
 *   T->I  [CHAP_N=<N'> CHAP_R=<R'>]             zcit_chap_respond()
 *
 * where R = H(I || secret || C), H the digest that A names.  Which secret
 * goes with which name (CHAP_N) is the caller's business.
 *
 * Every string comes from the initiator and is treated as hostile: the
 * binary values are decoded into buffers whose size is checked before
 * anything is written (CVE-2018-14633 was LIO overflowing a fixed buffer
 * while decoding CHAP_C).
 *
 * Pure code: no sockets, no LIO calls; the digests come from the crypto
 * API.
 */
#include <crypto/algapi.h>
#include <crypto/hash.h>
#include <linux/ctype.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <zcit/chap.h>

/* The CHAP_A values we support, with their crypto API digest names. */
static const struct {
	int alg;
	const char *name;
	u32 digest_len;
} zcit_chap_algs[] = {
	{ ZCIT_CHAP_MD5, "md5", 16 },
	{ ZCIT_CHAP_SHA1, "sha1", 20 },
	{ ZCIT_CHAP_SHA256, "sha256", 32 },
	{ ZCIT_CHAP_SHA3_256, "sha3-256", 32 },
};

static const char *zcit_chap_alg_name(int alg)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(zcit_chap_algs); i++)
		if (zcit_chap_algs[i].alg == alg)
			return zcit_chap_algs[i].name;
	return NULL;
}

/* A CHAP exchange that zcit_chap_choose() set up. */
static bool zcit_chap_ready(const struct zcit_chap *c)
{
	return zcit_chap_alg_name(c->alg) && c->digest_len > 0 &&
	       c->digest_len <= ZCIT_CHAP_DIGEST_MAX;
}

/**
 * zcit_chap_choose() - choose the CHAP algorithm from the initiator's list
 * @c: the CHAP exchange; reset, then given its algorithm
 * @chap_a: the initiator's CHAP_A value, NUL-terminated
 *
 * @chap_a is a list of decimal constants (RFC 7143 section 6.1: no sign,
 * no leading zero) separated by commas, in the initiator's order of
 * preference.  As RFC 7143 section 6.2 asks of a responder in a list
 * negotiation, the first value we support wins: MD5 (5), SHA-1 (6),
 * SHA-256 (7) or SHA3-256 (8), each only if the running kernel's crypto
 * API has the digest (FIPS mode may lack MD5, a kernel may lack SHA-3).
 * Unknown values, however large, are skipped.
 *
 * Return: 0 with @c->alg and @c->digest_len set; -ENOENT if no value of
 * the list is usable (answer CHAP_A=Reject, RFC 7143 section 12.1.3);
 * -EINVAL if @chap_a is malformed: empty, an empty item, a character
 * other than a digit or a comma, a leading zero, or longer than
 * %ZCIT_TEXT_VALUE_MAX bytes.
 */
int zcit_chap_choose(struct zcit_chap *c, const char *chap_a)
{
	const char *p = chap_a;
	size_t n, i;

	memset(c, 0, sizeof(*c));
	n = strnlen(chap_a, ZCIT_TEXT_VALUE_MAX + 1);
	if (n == 0 || n > ZCIT_TEXT_VALUE_MAX)
		return -EINVAL;

	/* Check the whole list first: a malformed one is refused as such. */
	for (;;) {
		if (!isdigit(*p) || (p[0] == '0' && isdigit(p[1])))
			return -EINVAL;
		while (isdigit(*p))
			p++;
		if (*p == '\0')
			break;
		if (*p++ != ',')
			return -EINVAL;
	}

	for (p = chap_a; *p; p += *p == ',') {
		u32 v = 0;

		/* Saturate: the list is short, but its items need not be. */
		for (; isdigit(*p); p++)
			v = min_t(u32, v * 10 + (*p - '0'), 1000);

		for (i = 0; i < ARRAY_SIZE(zcit_chap_algs); i++) {
			if (zcit_chap_algs[i].alg != v ||
			    !crypto_has_shash(zcit_chap_algs[i].name, 0, 0))
				continue;
			c->alg = zcit_chap_algs[i].alg;
			c->digest_len = zcit_chap_algs[i].digest_len;
			return 0;
		}
	}
	return -ENOENT;
}

/* Append "CHAP_x=0x<hex of data>" to @out. */
static int zcit_chap_add_hex(struct zcit_text_out *out, const char *key,
			     const u8 *data, u32 len)
{
	char hex[2 + 2 * ZCIT_CHAP_DIGEST_MAX + 1];

	if (WARN_ON_ONCE(len > ZCIT_CHAP_DIGEST_MAX))
		return -EINVAL;
	hex[0] = '0';
	hex[1] = 'x';
	*bin2hex(hex + 2, data, len) = '\0';
	return zcit_text_add(out, key, hex);
}

/**
 * zcit_chap_challenge() - make the target's challenge and append it
 * @c: the CHAP exchange, after zcit_chap_choose()
 * @out: the text response
 *
 * Draws a random CHAP_I and a random CHAP_C of @c->digest_len bytes
 * (16 for MD5, 20 for SHA-1, 32 for SHA-256 and SHA3-256), as LIO does:
 * as much entropy as the digest can carry, and for MD5 the 16-byte
 * challenge initiators are used to.  Appends "CHAP_A=<alg>",
 * "CHAP_I=<id in decimal>" and "CHAP_C=0x<hex>" (RFC 7143 section
 * 12.1.3) to @out.
 *
 * Return: 0; -EINVAL if no algorithm was chosen; -ENOSPC if @out is full,
 * in which case @out is left as it was.
 */
int zcit_chap_challenge(struct zcit_chap *c, struct zcit_text_out *out)
{
	u32 mark = out->len;
	char num[12];
	int ret;

	if (!zcit_chap_ready(c))
		return -EINVAL;
	BUILD_BUG_ON(ZCIT_CHAP_CHALLENGE_LEN < ZCIT_CHAP_DIGEST_MAX);

	get_random_bytes(&c->id, sizeof(c->id));
	c->challenge_len = c->digest_len;
	get_random_bytes(c->challenge, c->challenge_len);

	snprintf(num, sizeof(num), "%d", c->alg);
	ret = zcit_text_add(out, "CHAP_A", num);
	if (!ret) {
		snprintf(num, sizeof(num), "%u", c->id);
		ret = zcit_text_add(out, "CHAP_I", num);
	}
	if (!ret)
		ret = zcit_chap_add_hex(out, "CHAP_C", c->challenge,
					c->challenge_len);
	if (ret)
		out->len = mark;
	return ret;
}

static int zcit_chap_hash(struct crypto_shash *tfm, u8 id, const char *secret,
			  const u8 *chal, u32 chal_len, u8 *digest)
{
	SHASH_DESC_ON_STACK(desc, tfm);
	int ret;

	desc->tfm = tfm;
	ret = crypto_shash_init(desc);
	if (!ret)
		ret = crypto_shash_update(desc, &id, 1);
	if (!ret)
		ret = crypto_shash_update(desc, secret, strlen(secret));
	if (!ret)
		ret = crypto_shash_update(desc, chal, chal_len);
	if (!ret)
		ret = crypto_shash_final(desc, digest);
	shash_desc_zero(desc);
	return ret;
}

/*
 * @digest = H(@id || @secret || @chal), H the digest of @alg, of
 * @digest_len bytes (RFC 1994 section 4.1).
 */
static int zcit_chap_digest(int alg, u8 id, const char *secret,
			    const u8 *chal, u32 chal_len, u8 *digest,
			    u32 digest_len)
{
	const char *name = zcit_chap_alg_name(alg);
	struct crypto_shash *tfm;
	int ret;

	if (!name)
		return -EINVAL;
	tfm = crypto_alloc_shash(name, 0, 0);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	if (crypto_shash_digestsize(tfm) == digest_len)
		ret = zcit_chap_hash(tfm, id, secret, chal, chal_len, digest);
	else
		ret = -EINVAL;
	crypto_free_shash(tfm);
	return ret;
}

/**
 * zcit_chap_verify() - check the initiator's CHAP_R
 * @c: the CHAP exchange, after zcit_chap_challenge()
 * @secret: the secret of the CHAP_N the initiator sent, NUL-terminated
 * @chap_r: the initiator's CHAP_R value, NUL-terminated
 *
 * Decodes @chap_r (zcit_chap_decode()), which must be exactly one digest
 * long, and compares it in constant time with H(CHAP_I || secret ||
 * CHAP_C) (RFC 1994 section 4.1, RFC 7143 section 12.1.3).
 *
 * Return: 0 if the response is right; -EACCES if it is wrong or @secret
 * is empty; -EINVAL if @chap_r is malformed or not one digest long, or if
 * no challenge was sent; another negative errno if the digest failed.
 */
int zcit_chap_verify(const struct zcit_chap *c, const char *secret,
		     const char *chap_r)
{
	u8 want[ZCIT_CHAP_DIGEST_MAX], got[ZCIT_CHAP_DIGEST_MAX];
	u32 len;
	int ret;

	if (!zcit_chap_ready(c) || c->challenge_len == 0 ||
	    c->challenge_len > ZCIT_CHAP_CHALLENGE_LEN)
		return -EINVAL;
	ret = zcit_chap_decode(chap_r, got, c->digest_len, &len);
	if (ret)
		return -EINVAL;	/* -EOVERFLOW too: longer than a digest */
	if (len != c->digest_len)
		return -EINVAL;
	if (!secret || !*secret)
		return -EACCES;

	ret = zcit_chap_digest(c->alg, c->id, secret, c->challenge,
			       c->challenge_len, want, c->digest_len);
	if (!ret && crypto_memneq(want, got, c->digest_len))
		ret = -EACCES;
	memzero_explicit(want, sizeof(want));
	return ret;
}

/*
 * CHAP_I: RFC 7143 section 6.1 numerical value, decimal (no leading zero)
 * or hex ("0x"/"0X"), 0 to 255.  Leading zero digits of the hex form are
 * fine ("0x00ff"); base64 is not accepted for a one-byte identifier.
 */
static int zcit_chap_parse_id(const char *s, u8 *id)
{
	u8 buf[4];
	u32 len, i, v = 0;
	int ret;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		ret = zcit_chap_decode(s, buf, sizeof(buf), &len);
		if (ret)
			return -EINVAL;
		for (i = 0; i < len; i++) {
			if (v > 0)
				return -EINVAL;
			v = buf[i];
		}
		*id = v;
		return 0;
	}
	if (!isdigit(s[0]) || (s[0] == '0' && s[1] != '\0'))
		return -EINVAL;
	for (i = 0; isdigit(s[i]); i++) {
		v = v * 10 + (s[i] - '0');
		if (v > 255)
			return -EINVAL;
	}
	if (s[i] != '\0')
		return -EINVAL;
	*id = v;
	return 0;
}

/**
 * zcit_chap_respond() - answer the initiator's challenge (mutual CHAP)
 * @c: the CHAP exchange, after zcit_chap_challenge()
 * @secret: the target's own secret (mutual CHAP), NUL-terminated
 * @chap_i: the initiator's CHAP_I value, NUL-terminated
 * @chap_c: the initiator's CHAP_C value, NUL-terminated
 * @out: the text response
 *
 * @chap_i is a decimal (0 to 255, no leading zero) or "0x" hex numerical
 * value (RFC 7143 section 6.1).  @chap_c is a binary value
 * (zcit_chap_decode()) of 1 to %ZCIT_CHAP_BIN_MAX bytes.  A @chap_c equal
 * to the challenge the target sent is refused: RFC 7143 section 12.1.3
 * requires responders to check that the originator did not reuse it, else
 * the target would compute the very answer an attacker needs to pass the
 * target's own challenge (reflection).  Appends "CHAP_R=0x<hex of
 * H(CHAP_I || secret || CHAP_C)>" to @out.  The caller appends CHAP_N,
 * and should refuse to use the initiator's secret as @secret (RFC 7143
 * section 12.1.3 forbids the same secret in both directions).
 *
 * Return: 0; -EINVAL if @chap_i or @chap_c is malformed or out of bounds
 * or no challenge was sent; -EACCES if @secret is empty or @chap_c is the
 * target's challenge; -ENOMEM; -ENOSPC if @out is full (@out is then left
 * as it was); another negative errno if the digest failed.
 */
int zcit_chap_respond(const struct zcit_chap *c, const char *secret,
		      const char *chap_i, const char *chap_c,
		      struct zcit_text_out *out)
{
	u8 digest[ZCIT_CHAP_DIGEST_MAX];
	u8 *chal;
	u32 len;
	u8 id;
	int ret;

	if (!zcit_chap_ready(c) || c->challenge_len == 0 ||
	    c->challenge_len > ZCIT_CHAP_CHALLENGE_LEN)
		return -EINVAL;
	if (zcit_chap_parse_id(chap_i, &id))
		return -EINVAL;

	chal = kmalloc(ZCIT_CHAP_BIN_MAX, GFP_KERNEL);
	if (!chal)
		return -ENOMEM;
	ret = zcit_chap_decode(chap_c, chal, ZCIT_CHAP_BIN_MAX, &len);
	if (ret) {
		ret = -EINVAL;
		goto out;
	}
	if (len == c->challenge_len &&
	    !memcmp(chal, c->challenge, c->challenge_len)) {
		ret = -EACCES;
		goto out;
	}
	if (!secret || !*secret) {
		ret = -EACCES;
		goto out;
	}

	ret = zcit_chap_digest(c->alg, id, secret, chal, len, digest,
			       c->digest_len);
	if (!ret)
		ret = zcit_chap_add_hex(out, "CHAP_R", digest, c->digest_len);
	memzero_explicit(digest, sizeof(digest));
out:
	kfree(chal);
	return ret;
}

static int zcit_chap_hex_digit(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch = tolower(ch);
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

/* RFC 4648 section 4 alphabet; -1 for any other character, '=' included. */
static int zcit_chap_b64_digit(char ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	if (ch == '+')
		return 62;
	if (ch == '/')
		return 63;
	return -1;
}

/* @n hex digits at @s; an odd count has an implicit leading zero. */
static int zcit_chap_decode_hex(const char *s, size_t n, u8 *buf, u32 size,
				u32 *len)
{
	size_t i = 0, j = 0;
	int hi, lo;

	if ((n + 1) / 2 > size)
		return -EOVERFLOW;
	if (n & 1) {
		lo = zcit_chap_hex_digit(s[i++]);
		if (lo < 0)
			return -EINVAL;
		buf[j++] = lo;
	}
	for (; i < n; i += 2) {
		hi = zcit_chap_hex_digit(s[i]);
		lo = zcit_chap_hex_digit(s[i + 1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		buf[j++] = hi << 4 | lo;
	}
	*len = j;
	return 0;
}

/*
 * @n base64 characters at @s: RFC 4648 section 4, padded to a multiple of
 * four, '=' only as the last one or two characters, and the unused bits
 * before the padding zero (canonical encoding, RFC 4648 section 3.5).
 */
static int zcit_chap_decode_b64(const char *s, size_t n, u8 *buf, u32 size,
				u32 *len)
{
	size_t pad = 0, out, i, j = 0;
	u32 acc = 0;
	int d;

	if (n % 4)
		return -EINVAL;
	if (s[n - 1] == '=')
		pad = s[n - 2] == '=' ? 2 : 1;
	out = n / 4 * 3 - pad;
	if (out > size)
		return -EOVERFLOW;
	for (i = 0; i < n - pad; i++) {
		d = zcit_chap_b64_digit(s[i]);
		if (d < 0)
			return -EINVAL;
		acc = acc << 6 | d;
		if (i % 4 == 3) {
			buf[j++] = acc >> 16;
			buf[j++] = acc >> 8;
			buf[j++] = acc;
			acc = 0;
		}
	}
	if (pad == 2) {		/* 2 characters: 12 bits, 1 byte */
		if (acc & 0xf)
			return -EINVAL;
		buf[j++] = acc >> 4;
	} else if (pad == 1) {	/* 3 characters: 18 bits, 2 bytes */
		if (acc & 0x3)
			return -EINVAL;
		buf[j++] = acc >> 10;
		buf[j++] = acc >> 2;
	}
	*len = j;
	return 0;
}

/**
 * zcit_chap_decode() - decode a binary value
 * @s: the value, NUL-terminated
 * @buf: where to put the bytes
 * @size: size of @buf
 * @len: set to the number of bytes decoded, on success only
 *
 * Decodes an RFC 7143 section 6.1 binary value: "0x" or "0X" and hex
 * digits (either case; an odd number of digits is read as a number, with
 * an implicit leading zero digit: "0x123" is 01 23), or "0b" or "0B" and
 * RFC 4648 base64 with its padding.  Nothing else is accepted: no
 * whitespace, no sign, no bare prefix.  At most @size bytes are written;
 * whether the value fits is known from its length before any byte is
 * written, so a too long value leaves @buf untouched.  A malformed value
 * may leave @buf partly written.
 *
 * Return: 0; -EINVAL if @s is malformed or has no digits; -EOVERFLOW if
 * the value is longer than @size bytes.
 */
int zcit_chap_decode(const char *s, u8 *buf, u32 size, u32 *len)
{
	/* Enough characters for @size bytes in either form, and one more. */
	size_t max = 2 + 2 * (size_t)size + 4, n;
	bool b64;

	if (s[0] != '0')
		return -EINVAL;
	switch (s[1]) {
	case 'x':
	case 'X':
		b64 = false;
		break;
	case 'b':
	case 'B':
		b64 = true;
		break;
	default:
		return -EINVAL;
	}
	s += 2;
	n = strnlen(s, max + 1);
	if (n == 0)
		return -EINVAL;
	if (n > max)
		return -EOVERFLOW;
	if (b64)
		return zcit_chap_decode_b64(s, n, buf, size, len);
	return zcit_chap_decode_hex(s, n, buf, size, len);
}
