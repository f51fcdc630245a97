// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for zcit's CHAP authentication (include/zcit/chap.h).
 *
 * Every input string is copied into a buffer of exactly its size, and
 * every output buffer is allocated at exactly the size under test, so
 * that under KASAN reading or writing one byte too far is a failure.
 *
 * The expected digests were computed offline with Python's hashlib:
 *   hashlib.new(alg, bytes([id]) + secret + challenge).hexdigest()
 */
#include <crypto/hash.h>
#include <kunit/test.h>
#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <zcit/chap.h>
#include "test_util.h"

/* @s repeated @n times, then @tail, in an exact buffer. */
static const char *repeat_str(struct kunit *test, const char *s, size_t n,
			      const char *tail)
{
	size_t len = strlen(s), tlen = strlen(tail), i;
	char *d = kunit_kmalloc(test, len * n + tlen + 1, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, d);
	for (i = 0; i < n; i++)
		memcpy(d + i * len, s, len);
	memcpy(d + n * len, tail, tlen + 1);
	return d;
}

static struct zcit_text_out *new_out(struct kunit *test, u32 cap)
{
	struct zcit_text_out *o = kunit_kzalloc(test, sizeof(*o), GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, o);
	o->buf = kunit_kzalloc(test, cap, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, o->buf);
	o->cap = cap;
	return o;
}

/* The value of @key in @o, or NULL. */
static const char *out_get(struct zcit_text_out *o, const char *key)
{
	size_t klen = strlen(key);
	u32 pos = 0;

	while (pos < o->len) {
		const char *kv = o->buf + pos;

		if (!strncmp(kv, key, klen) && kv[klen] == '=')
			return kv + klen + 1;
		pos += strnlen(kv, o->len - pos) + 1;
	}
	return NULL;
}

/* Skip the test if the running kernel lacks @alg's digest. */
static void need_alg(struct kunit *test, struct zcit_chap *c, int alg)
{
	char s[4];
	int ret;

	snprintf(s, sizeof(s), "%d", alg);
	ret = zcit_chap_choose(c, zt_dup_str(test, s));
	if (ret == -ENOENT)
		kunit_skip(test, "no digest for CHAP_A=%d", alg);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_ASSERT_EQ(test, c->alg, alg);
}

static int choose(struct kunit *test, struct zcit_chap *c, const char *s)
{
	return zcit_chap_choose(c, zt_dup_str(test, s));
}

/* zcit_chap_verify() on exact-size copies of @secret and @chap_r. */
static int verify(struct kunit *test, const struct zcit_chap *c,
		  const char *secret, const char *chap_r)
{
	return zcit_chap_verify(c, zt_dup_str(test, secret),
				zt_dup_str(test, chap_r));
}

static void zcit_chap_test_choose_order(struct kunit *test)
{
	static const struct {
		const char *list;
		int alg;
		u32 digest_len;
	} cases[] = {
		{ "5", ZCIT_CHAP_MD5, 16 },
		{ "6", ZCIT_CHAP_SHA1, 20 },
		{ "7", ZCIT_CHAP_SHA256, 32 },
		{ "8", ZCIT_CHAP_SHA3_256, 32 },
		{ "7,5", ZCIT_CHAP_SHA256, 32 },
		{ "5,7", ZCIT_CHAP_MD5, 16 },
		{ "8,7,6,5", ZCIT_CHAP_SHA3_256, 32 },
		{ "6,8", ZCIT_CHAP_SHA1, 20 },
		/* Unknown values are skipped, not refused. */
		{ "1,2,99,7", ZCIT_CHAP_SHA256, 32 },
		{ "0,5", ZCIT_CHAP_MD5, 16 },
		{ "128,6", ZCIT_CHAP_SHA1, 20 },
		{ "99999999999999999999,5", ZCIT_CHAP_MD5, 16 },
		{ "4294967301,7", ZCIT_CHAP_SHA256, 32 },	/* 2^32 + 5 */
		{ "5,5,5", ZCIT_CHAP_MD5, 16 },
	};
	struct zcit_chap c;
	size_t i;

	/* All four digests are in the .kunitconfig files. */
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		memset(&c, 0xa5, sizeof(c));
		KUNIT_EXPECT_EQ_MSG(test, choose(test, &c, cases[i].list), 0,
				    "\"%s\"", cases[i].list);
		KUNIT_EXPECT_EQ_MSG(test, c.alg, cases[i].alg,
				    "\"%s\"", cases[i].list);
		KUNIT_EXPECT_EQ_MSG(test, c.digest_len, cases[i].digest_len,
				    "\"%s\"", cases[i].list);
		KUNIT_EXPECT_EQ(test, c.challenge_len, 0);
	}
}

static void zcit_chap_test_choose_unsupported(struct kunit *test)
{
	static const char * const lists[] = {
		"0", "1", "4", "9", "4,9,128", "255", "99999999999999999999",
		"10,50,70,80",
	};
	struct zcit_chap c;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(lists); i++) {
		memset(&c, 0xa5, sizeof(c));
		KUNIT_EXPECT_EQ_MSG(test, choose(test, &c, lists[i]), -ENOENT,
				    "\"%s\"", lists[i]);
		KUNIT_EXPECT_EQ(test, c.alg, 0);
		KUNIT_EXPECT_EQ(test, c.digest_len, 0);
	}
}

static void zcit_chap_test_choose_malformed(struct kunit *test)
{
	static const char * const lists[] = {
		"", ",", "5,", ",5", "5,,7", " 5", "5 ", "5, 7", "+5", "-5",
		"05", "00", "5,07", "5;7", "5 7", "0x5", "a", "5a", "5,7\n",
		"Reject", "None", "MD5", "5\t",
	};
	struct zcit_chap c;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(lists); i++) {
		memset(&c, 0xa5, sizeof(c));
		KUNIT_EXPECT_EQ_MSG(test, choose(test, &c, lists[i]), -EINVAL,
				    "\"%s\"", lists[i]);
		KUNIT_EXPECT_EQ(test, c.alg, 0);
	}
}

static void zcit_chap_test_choose_long(struct kunit *test)
{
	struct zcit_chap c;
	const char *s;

	/* "1,1,...,1,7": 124 * 2 + 1 = 249 bytes, then exactly 255. */
	s = repeat_str(test, "1,", 124, "7");
	KUNIT_EXPECT_EQ(test, zcit_chap_choose(&c, s), 0);
	KUNIT_EXPECT_EQ(test, c.alg, ZCIT_CHAP_SHA256);
	s = repeat_str(test, "1,", 127, "5");
	KUNIT_EXPECT_EQ(test, zcit_chap_choose(&c, s), 0);
	KUNIT_EXPECT_EQ(test, c.alg, ZCIT_CHAP_MD5);
	/* 256 bytes: longer than a simple value may be. */
	s = repeat_str(test, "1,", 127, "10");
	KUNIT_EXPECT_EQ(test, zcit_chap_choose(&c, s), -EINVAL);
	s = repeat_str(test, "5,", 4000, "5");
	KUNIT_EXPECT_EQ(test, zcit_chap_choose(&c, s), -EINVAL);
	/* One 255-digit value: unknown, not an overflow. */
	s = repeat_str(test, "9", 255, "");
	KUNIT_EXPECT_EQ(test, zcit_chap_choose(&c, s), -ENOENT);
	s = repeat_str(test, "9", 253, ",5");
	KUNIT_EXPECT_EQ(test, zcit_chap_choose(&c, s), 0);
	KUNIT_EXPECT_EQ(test, c.alg, ZCIT_CHAP_MD5);
}

/*
 * Decode @s into an exact buffer of @size bytes (pre-filled with 0xa5),
 * expect @ret and, on success, the bytes @want.  On -EOVERFLOW the buffer
 * must be untouched.
 */
static void check_decode(struct kunit *test, const char *s, u32 size,
			 int ret, const u8 *want, u32 want_len)
{
	u8 *buf = kunit_kmalloc(test, size ?: 1, GFP_KERNEL);
	u32 len = 12345, i;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	memset(buf, 0xa5, size ?: 1);
	KUNIT_EXPECT_EQ_MSG(test, zcit_chap_decode(zt_dup_str(test, s), buf,
						   size, &len),
			    ret, "\"%s\" size %u", s, size);
	if (ret) {
		KUNIT_EXPECT_EQ(test, len, 12345);
		if (ret == -EOVERFLOW)
			for (i = 0; i < size; i++)
				KUNIT_EXPECT_EQ(test, buf[i], 0xa5);
		return;
	}
	KUNIT_EXPECT_EQ_MSG(test, len, want_len, "\"%s\"", s);
	if (len == want_len)
		KUNIT_EXPECT_EQ_MSG(test, memcmp(buf, want, len), 0,
				    "\"%s\"", s);
}

static void zcit_chap_test_decode_hex(struct kunit *test)
{
	static const u8 b1[] = { 0x00, 0xff, 0x10 };
	static const u8 b2[] = { 0xab, 0xcd, 0xef };
	static const u8 b3[] = { 0x01, 0x23 };
	static const u8 b4[] = { 0x01 };
	static const u8 b5[] = { 0x00 };

	check_decode(test, "0x00ff10", 3, 0, b1, 3);
	check_decode(test, "0x00FF10", 3, 0, b1, 3);
	check_decode(test, "0XabCDeF", 3, 0, b2, 3);
	check_decode(test, "0x00ff10", 64, 0, b1, 3);
	/* Odd digit counts: a number, with an implicit leading zero. */
	check_decode(test, "0x123", 2, 0, b3, 2);
	check_decode(test, "0x1", 1, 0, b4, 1);
	check_decode(test, "0x0", 1, 0, b5, 1);
	check_decode(test, "0x123", 1, -EOVERFLOW, NULL, 0);
}

static void zcit_chap_test_decode_hex_bad(struct kunit *test)
{
	static const char * const bad[] = {
		"", "0", "x", "0x", "0X", "x12", "12", "1x12", "0y12", "00x12",
		"0x1g", "0xg1", "0x 12", "0x12 ", " 0x12", "0x-1", "0x+1",
		"0x12\n", "0x0x12", "0x12:34", "0xab.c", "0x1 2",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		check_decode(test, bad[i], 16, -EINVAL, NULL, 0);
}

static void zcit_chap_test_decode_hex_size(struct kunit *test)
{
	static const u8 b[] = { 1, 2, 3, 4, 5 };
	u8 *ab = kunit_kmalloc(test, 1024, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ab);
	memset(ab, 0xab, 1024);

	/* Exactly @size bytes fit; one more does not. */
	check_decode(test, "0x01020304", 4, 0, b, 4);
	check_decode(test, "0x0102030405", 4, -EOVERFLOW, NULL, 0);
	check_decode(test, "0x102030405", 4, -EOVERFLOW, NULL, 0);
	check_decode(test, "0x0102030405", 5, 0, b, 5);
	check_decode(test, "0x01", 0, -EOVERFLOW, NULL, 0);
	/* Too long is found before the bad digits. */
	check_decode(test, "0x01020304zz", 4, -EOVERFLOW, NULL, 0);
	check_decode(test, repeat_str(test, "ab", 5000, ""), 16, -EINVAL,
		     NULL, 0);
	check_decode(test, repeat_str(test, "0x", 1, repeat_str(test, "ab",
								5000, "")),
		     16, -EOVERFLOW, NULL, 0);
	check_decode(test, repeat_str(test, "0x", 1, repeat_str(test, "ab",
								1024, "")),
		     1024, 0, ab, 1024);
	check_decode(test, repeat_str(test, "0x", 1, repeat_str(test, "ab",
								1024, "")),
		     1023, -EOVERFLOW, NULL, 0);
}

static void zcit_chap_test_decode_b64(struct kunit *test)
{
	static const u8 b1[] = { 0x01, 0x02, 0x03 };
	static const u8 b2[] = { 0xfb, 0xff, 0xbf, 0x00 };
	static const u8 md5[] = {
		0x54, 0x47, 0x34, 0xdb, 0x88, 0x0a, 0x76, 0xe1,
		0x5b, 0x92, 0x00, 0xda, 0xc4, 0xba, 0xfc, 0x04,
	};

	check_decode(test, "0bAQID", 3, 0, b1, 3);
	check_decode(test, "0BAQID", 3, 0, b1, 3);
	check_decode(test, "0bAQI=", 2, 0, b1, 2);
	check_decode(test, "0bAQ==", 1, 0, b1, 1);
	check_decode(test, "0b+/+/AA==", 4, 0, b2, 4);
	check_decode(test, "0bVEc024gKduFbkgDaxLr8BA==", 16, 0, md5, 16);
	/* Exactly @size bytes fit; one more does not. */
	check_decode(test, "0bAQID", 2, -EOVERFLOW, NULL, 0);
	check_decode(test, "0bAQI=", 1, -EOVERFLOW, NULL, 0);
	check_decode(test, "0bAQ==", 0, -EOVERFLOW, NULL, 0);
	check_decode(test, "0bVEc024gKduFbkgDaxLr8BA==", 15, -EOVERFLOW,
		     NULL, 0);
}

static void zcit_chap_test_decode_b64_bad(struct kunit *test)
{
	static const char * const bad[] = {
		"0b", "0B", "0bA", "0bAQ", "0bAQI", "0bAQ=", "0bAQID=",
		"0b====", "0bA===", "0b=AAA", "0bAQ==AQID", "0bA=B=",
		/* Non-zero unused bits: not the canonical encoding. */
		"0bAR==", "0bAQJ=",
		"0bAQ*D", "0b-_AA", "0bAQ I", "0bAQID\n", " 0bAQID", "0bAQ%3D",
		"b0AQID", "0cAQID",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		check_decode(test, bad[i], 16, -EINVAL, NULL, 0);
}

/* id 0x2a, secret "chap-secret-0123", challenge 0x40 0x41 ... */
static const char vec_secret[] = "chap-secret-0123";
static const struct {
	int alg;
	const char *hex;
	const char *b64;
} vec_verify[] = {
	{ ZCIT_CHAP_MD5, "0x544734db880a76e15b9200dac4bafc04",
	  "0bVEc024gKduFbkgDaxLr8BA==" },
	{ ZCIT_CHAP_SHA1, "0xe4082f7b144afa173e5f4d3661979d074c9a4925",
	  "0b5AgvexRK+hc+X002YZedB0yaSSU=" },
	{ ZCIT_CHAP_SHA256,
	  "0xa034ecd42a93db43b9cbeb3d502da04dae3323e1a88cf428aca67d92d64327a6",
	  "0boDTs1CqT20O5y+s9UC2gTa4zI+GojPQorKZ9ktZDJ6Y=" },
	{ ZCIT_CHAP_SHA3_256,
	  "0x28a8a54f032df36b637641235bed4541bb9ccb9d4f902f55eb625a3a7606f649",
	  "0bKKilTwMt82tjdkEjW+1FQbucy51PkC9V62JaOnYG9kk=" },
};

static void set_vec_challenge(struct zcit_chap *c)
{
	u32 i;

	c->id = 0x2a;
	c->challenge_len = c->digest_len;
	for (i = 0; i < c->challenge_len; i++)
		c->challenge[i] = 0x40 + i;
}

static void zcit_chap_test_verify_vectors(struct kunit *test)
{
	struct zcit_chap c;
	char *upper;
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(vec_verify); i++) {
		need_alg(test, &c, vec_verify[i].alg);
		set_vec_challenge(&c);
		KUNIT_EXPECT_EQ_MSG(test, verify(test, &c, vec_secret,
						 vec_verify[i].hex),
				    0, "alg %d", c.alg);
		KUNIT_EXPECT_EQ_MSG(test, verify(test, &c, vec_secret,
						 vec_verify[i].b64),
				    0, "alg %d", c.alg);
		upper = zt_dup_str(test, vec_verify[i].hex);
		for (j = 0; upper[j]; j++)
			upper[j] = toupper(upper[j]);
		KUNIT_EXPECT_EQ_MSG(test, zcit_chap_verify(&c, vec_secret,
							   upper),
				    0, "alg %d", c.alg);
	}
}

static void zcit_chap_test_verify_wrong(struct kunit *test)
{
	const char *sec = vec_secret;
	struct zcit_chap c;
	const char *hex;
	char *r;
	size_t i, n;

	for (i = 0; i < ARRAY_SIZE(vec_verify); i++) {
		hex = vec_verify[i].hex;
		need_alg(test, &c, vec_verify[i].alg);
		set_vec_challenge(&c);
		n = strlen(hex);

		KUNIT_EXPECT_EQ(test, verify(test, &c, "chap-secret-0124", hex),
				-EACCES);
		KUNIT_EXPECT_EQ(test, verify(test, &c, "chap-secret-012", hex),
				-EACCES);
		KUNIT_EXPECT_EQ(test, verify(test, &c, "", hex), -EACCES);

		/* Last digit changed. */
		r = zt_dup_str(test, hex);
		r[n - 1] = r[n - 1] == '0' ? '1' : '0';
		KUNIT_EXPECT_EQ(test, zcit_chap_verify(&c, sec, r), -EACCES);

		/* Other id, other challenge. */
		c.id++;
		KUNIT_EXPECT_EQ(test, verify(test, &c, sec, hex), -EACCES);
		c.id--;
		c.challenge[c.challenge_len - 1]++;
		KUNIT_EXPECT_EQ(test, verify(test, &c, sec, hex), -EACCES);
		c.challenge[c.challenge_len - 1]--;
		KUNIT_EXPECT_EQ(test, verify(test, &c, sec, hex), 0);

		/* One byte short, one byte long. */
		r = zt_dup_str(test, hex);
		r[n - 2] = '\0';
		KUNIT_EXPECT_EQ(test, zcit_chap_verify(&c, sec, r), -EINVAL);
		r = (char *)repeat_str(test, hex, 1, "00");
		KUNIT_EXPECT_EQ(test, zcit_chap_verify(&c, sec, r), -EINVAL);

		/* Malformed. */
		r = zt_dup_str(test, hex);
		r[n / 2] = 'g';
		KUNIT_EXPECT_EQ(test, zcit_chap_verify(&c, sec, r), -EINVAL);
		KUNIT_EXPECT_EQ(test, verify(test, &c, sec, hex + 2), -EINVAL);
		KUNIT_EXPECT_EQ(test, verify(test, &c, sec, ""), -EINVAL);
		KUNIT_EXPECT_EQ(test, verify(test, &c, sec, "0x"), -EINVAL);
		r = (char *)repeat_str(test, "ab", 4096, "");
		r = (char *)repeat_str(test, "0x", 1, r);
		KUNIT_EXPECT_EQ(test, zcit_chap_verify(&c, sec, r), -EINVAL);
	}

	/* A digest of another algorithm: wrong length. */
	need_alg(test, &c, ZCIT_CHAP_SHA256);
	set_vec_challenge(&c);
	KUNIT_EXPECT_EQ(test, verify(test, &c, sec, vec_verify[0].hex),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, verify(test, &c, sec, vec_verify[1].b64),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, verify(test, &c, sec, vec_verify[2].hex), 0);

	/* No challenge sent, no algorithm chosen. */
	c.challenge_len = 0;
	KUNIT_EXPECT_EQ(test, verify(test, &c, sec, vec_verify[2].hex),
			-EINVAL);
	memset(&c, 0, sizeof(c));
	KUNIT_EXPECT_EQ(test, verify(test, &c, sec, vec_verify[2].hex),
			-EINVAL);
}

static void zcit_chap_test_challenge(struct kunit *test)
{
	static const int algs[] = {
		ZCIT_CHAP_MD5, ZCIT_CHAP_SHA1, ZCIT_CHAP_SHA256,
		ZCIT_CHAP_SHA3_256,
	};
	u8 bin[ZCIT_CHAP_CHALLENGE_LEN];
	struct zcit_chap c, prev;
	struct zcit_text_out *o;
	const char *v;
	char num[4];
	u32 len;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(algs); i++) {
		need_alg(test, &c, algs[i]);
		o = new_out(test, 256);
		KUNIT_ASSERT_EQ(test, zcit_chap_challenge(&c, o), 0);
		KUNIT_EXPECT_EQ(test, c.challenge_len, c.digest_len);

		snprintf(num, sizeof(num), "%d", algs[i]);
		v = out_get(o, "CHAP_A");
		KUNIT_ASSERT_NOT_NULL(test, v);
		KUNIT_EXPECT_STREQ(test, v, num);

		snprintf(num, sizeof(num), "%u", c.id);
		v = out_get(o, "CHAP_I");
		KUNIT_ASSERT_NOT_NULL(test, v);
		KUNIT_EXPECT_STREQ(test, v, num);

		v = out_get(o, "CHAP_C");
		KUNIT_ASSERT_NOT_NULL(test, v);
		KUNIT_EXPECT_EQ(test, strlen(v), 2 + 2 * c.challenge_len);
		KUNIT_EXPECT_EQ(test, strncmp(v, "0x", 2), 0);
		KUNIT_ASSERT_EQ(test, zcit_chap_decode(v, bin, sizeof(bin),
						       &len), 0);
		KUNIT_ASSERT_EQ(test, len, c.challenge_len);
		KUNIT_EXPECT_EQ(test, memcmp(bin, c.challenge, len), 0);

		/* Three keys, nothing else. */
		KUNIT_EXPECT_EQ(test, o->len,
				strlen("CHAP_A=5") + 1 +
				strlen("CHAP_I=") + strlen(num) + 1 +
				strlen("CHAP_C=") + strlen(v) + 1);

		/* A new challenge each time. */
		prev = c;
		o = new_out(test, 256);
		KUNIT_ASSERT_EQ(test, zcit_chap_challenge(&c, o), 0);
		KUNIT_EXPECT_NE(test, memcmp(c.challenge, prev.challenge,
					     c.challenge_len), 0);
	}
}

static void zcit_chap_test_challenge_errors(struct kunit *test)
{
	struct zcit_text_out *o;
	struct zcit_chap c;
	u32 cap;

	memset(&c, 0, sizeof(c));
	o = new_out(test, 256);
	KUNIT_EXPECT_EQ(test, zcit_chap_challenge(&c, o), -EINVAL);
	KUNIT_EXPECT_EQ(test, o->len, 0);

	/*
	 * SHA-256: "CHAP_A=7" 9, "CHAP_I=<1..3 digits>" 9..11 and
	 * "CHAP_C=0x<64>" 74 bytes, after 8 bytes already there.  With any
	 * less room, nothing is added.
	 */
	need_alg(test, &c, ZCIT_CHAP_SHA256);
	for (cap = 0; cap < 9 + 9 + 74; cap++) {
		o = new_out(test, 8 + cap);
		o->len = 8;
		KUNIT_EXPECT_EQ(test, zcit_chap_challenge(&c, o), -ENOSPC);
		KUNIT_EXPECT_EQ(test, o->len, 8);
	}
	o = new_out(test, 9 + 11 + 74);
	KUNIT_EXPECT_EQ(test, zcit_chap_challenge(&c, o), 0);
}

/* Initiator's challenge answered with secret "target-secret-42". */
static const char resp_secret[] = "target-secret-42";
static const char resp_c16[] = "0x0102030405060708090a0b0c0d0e0f10";
static const struct {
	int alg;
	const char *r17;	/* CHAP_I=17, CHAP_C=resp_c16 */
	const char *r255;	/* CHAP_I=255, CHAP_C=0xab */
	const char *r0;		/* CHAP_I=0, CHAP_C=00 01 .. ff, 4 times */
} vec_respond[] = {
	{ ZCIT_CHAP_MD5, "0x0c777d1df733dd06a55b81ba861ca868",
	  "0x0af81608817945b7f73187bc1d5d8647",
	  "0x325101db25a178d1d0e0e194467cea2b" },
	{ ZCIT_CHAP_SHA1, "0x7dcd976ee03158f3713e14d326f52bb121b8507c",
	  "0xba9c68174a63cf72addb939b978e250873bde3c7",
	  "0x339fb09d06467f4417569fc3471a9ea4997a147a" },
	{ ZCIT_CHAP_SHA256,
	  "0xad0e58a5eb2b22913ba5c953398198b857858dbc20d5fb29e3d27d52aa873262",
	  "0xba9e15f88eead21f3e1f6baf8a45f05d98a9c2a932d48c4e0051fd94f4084c1d",
	  "0x85d287d79fe04167767e0bee3732740b3cc5a699bffd94f113a372d6b5f57f80" },
	{ ZCIT_CHAP_SHA3_256,
	  "0xa10d543fee5887128eb408be4cff8e08a3521d9db9f8e96c9163169405e03326",
	  "0x2f78cf985b6ff6a8d81ed10e3fec1b1ab3e5f81ec3654f183f2db6434611b6e6",
	  "0xa90143de3d759c03dc24ab5adfea2688045eca8cb730d7582024c835bbbb4fa3" },
};

/*
 * Respond into an exact-size response; expect @ret and CHAP_R=@want, or
 * with a NULL @want, a CHAP_R of the right length.
 */
static void check_respond(struct kunit *test, const struct zcit_chap *c,
			  const char *chap_i, const char *chap_c, int ret,
			  const char *want)
{
	u32 cap = strlen("CHAP_R=0x") + 2 * c->digest_len + 1;
	struct zcit_text_out *o = new_out(test, cap);

	KUNIT_EXPECT_EQ_MSG(test, zcit_chap_respond(c, resp_secret,
						    zt_dup_str(test, chap_i),
						    zt_dup_str(test, chap_c), o),
			    ret, "CHAP_I=%s", chap_i);
	if (ret) {
		KUNIT_EXPECT_EQ(test, o->len, 0);
		return;
	}
	KUNIT_EXPECT_EQ(test, o->len, cap);
	KUNIT_EXPECT_EQ(test, o->buf[cap - 1], '\0');
	KUNIT_EXPECT_EQ(test, strncmp(o->buf, "CHAP_R=0x", 9), 0);
	if (want)
		KUNIT_EXPECT_STREQ(test, o->buf + 7, want);
}

static void zcit_chap_test_respond_vectors(struct kunit *test)
{
	u8 *big = kunit_kmalloc(test, ZCIT_CHAP_BIN_MAX + 1, GFP_KERNEL);
	struct zcit_chap c;
	size_t i, j;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, big);
	for (j = 0; j <= ZCIT_CHAP_BIN_MAX; j++)
		big[j] = j;

	for (i = 0; i < ARRAY_SIZE(vec_respond); i++) {
		need_alg(test, &c, vec_respond[i].alg);
		set_vec_challenge(&c);
		check_respond(test, &c, "17", resp_c16, 0, vec_respond[i].r17);
		check_respond(test, &c, "0x11", resp_c16, 0,
			      vec_respond[i].r17);
		check_respond(test, &c, "0X0011", resp_c16, 0,
			      vec_respond[i].r17);
		check_respond(test, &c, "255", "0xab", 0, vec_respond[i].r255);
		check_respond(test, &c, "0xff", "0bqw==", 0,
			      vec_respond[i].r255);
		check_respond(test, &c, "0", zt_hex(test, big,
						    ZCIT_CHAP_BIN_MAX, false),
			      0, vec_respond[i].r0);
		check_respond(test, &c, "0x0", zt_hex(test, big,
						      ZCIT_CHAP_BIN_MAX, true),
			      0, vec_respond[i].r0);
		/* One byte more than ZCIT_CHAP_BIN_MAX. */
		check_respond(test, &c, "0", zt_hex(test, big,
						    ZCIT_CHAP_BIN_MAX + 1,
						    false),
			      -EINVAL, NULL);
	}
}

static void zcit_chap_test_respond_chap_i(struct kunit *test)
{
	static const char * const bad[] = {
		"", "256", "-1", "+1", " 1", "1 ", "01", "00", "abc", "1a",
		"1000000000000", "4294967296", "4294967313", "0x100", "0x",
		"0x1g", "0b/w==", "0bAQ==", "x11", "1e2", "0x-1",
		"0x0000000011",
	};
	struct zcit_chap c;
	size_t i;

	need_alg(test, &c, ZCIT_CHAP_MD5);
	set_vec_challenge(&c);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		check_respond(test, &c, bad[i], resp_c16, -EINVAL, NULL);
	check_respond(test, &c, "0x00000011", resp_c16, 0, vec_respond[0].r17);
}

static void zcit_chap_test_respond_reflection(struct kunit *test)
{
	u8 other[ZCIT_CHAP_CHALLENGE_LEN + 1];
	struct zcit_text_out *o;
	struct zcit_chap c;
	u32 n;

	need_alg(test, &c, ZCIT_CHAP_SHA256);
	o = new_out(test, 256);
	KUNIT_ASSERT_EQ(test, zcit_chap_challenge(&c, o), 0);
	n = c.challenge_len;

	/* Our own challenge back, in any encoding. */
	check_respond(test, &c, "1", out_get(o, "CHAP_C"), -EACCES, NULL);
	check_respond(test, &c, "1", zt_hex(test, c.challenge, n, true),
		      -EACCES, NULL);

	/* A longer or shorter one is another challenge. */
	memcpy(other, c.challenge, n);
	other[n] = 0;
	check_respond(test, &c, "1", zt_hex(test, other, n + 1, false), 0,
		      NULL);
	check_respond(test, &c, "1", zt_hex(test, other, n - 1, false), 0,
		      NULL);
	other[0] ^= 1;
	check_respond(test, &c, "1", zt_hex(test, other, n, false), 0, NULL);
}

static void zcit_chap_test_respond_errors(struct kunit *test)
{
	struct zcit_text_out *o;
	struct zcit_chap c;
	u32 cap;

	need_alg(test, &c, ZCIT_CHAP_MD5);
	set_vec_challenge(&c);

	o = new_out(test, 128);
	KUNIT_EXPECT_EQ(test, zcit_chap_respond(&c, zt_dup_str(test, ""),
						zt_dup_str(test, "17"),
						zt_dup_str(test, resp_c16), o),
			-EACCES);
	KUNIT_EXPECT_EQ(test, o->len, 0);

	check_respond(test, &c, "17", "", -EINVAL, NULL);
	check_respond(test, &c, "17", "0x", -EINVAL, NULL);
	check_respond(test, &c, "17", "0b", -EINVAL, NULL);
	check_respond(test, &c, "17", "0x0g", -EINVAL, NULL);
	check_respond(test, &c, "17", "0102", -EINVAL, NULL);
	check_respond(test, &c, "17", "0bAQ=", -EINVAL, NULL);
	check_respond(test, &c, "17",
		      repeat_str(test, "0b", 1, repeat_str(test, "AAAA", 342,
							   "")),
		      -EINVAL, NULL);

	/* "CHAP_R=0x" + 32 + NUL = 42 bytes. */
	for (cap = 0; cap < 42; cap++) {
		o = new_out(test, cap ?: 1);
		o->cap = cap;
		KUNIT_EXPECT_EQ(test, zcit_chap_respond(&c, resp_secret,
							zt_dup_str(test, "17"),
							zt_dup_str(test, resp_c16),
							o),
				-ENOSPC);
		KUNIT_EXPECT_EQ(test, o->len, 0);
	}

	/* No challenge sent, no algorithm chosen. */
	c.challenge_len = 0;
	check_respond(test, &c, "17", resp_c16, -EINVAL, NULL);
	memset(&c, 0, sizeof(c));
	check_respond(test, &c, "17", resp_c16, -EINVAL, NULL);
}

/* The target's challenge answered by zcit_chap_respond() as an initiator. */
static void zcit_chap_test_round_trip(struct kunit *test)
{
	static const char * const lists[] = { "5", "6", "7", "8" };
	struct zcit_chap t, i;
	const char *resp, *chap_i, *chap_c;
	struct zcit_text_out *o, *r;
	size_t k;

	for (k = 0; k < ARRAY_SIZE(lists); k++) {
		if (choose(test, &t, lists[k]) == -ENOENT)
			continue;
		o = new_out(test, 256);
		KUNIT_ASSERT_EQ(test, zcit_chap_challenge(&t, o), 0);

		/* The "initiator" has its own, different, challenge. */
		i = t;
		i.challenge[0] ^= 0xff;
		r = new_out(test, 256);
		chap_i = out_get(o, "CHAP_I");
		chap_c = out_get(o, "CHAP_C");
		KUNIT_ASSERT_NOT_NULL(test, chap_i);
		KUNIT_ASSERT_NOT_NULL(test, chap_c);
		KUNIT_ASSERT_EQ(test, zcit_chap_respond(&i, vec_secret, chap_i,
							chap_c, r), 0);
		resp = out_get(r, "CHAP_R");
		KUNIT_ASSERT_NOT_NULL(test, resp);
		KUNIT_EXPECT_EQ(test, zcit_chap_verify(&t, vec_secret, resp),
				0);
		KUNIT_EXPECT_EQ(test, zcit_chap_verify(&t, resp_secret, resp),
				-EACCES);
	}
}

static struct kunit_case zcit_chap_test_cases[] = {
	KUNIT_CASE(zcit_chap_test_choose_order),
	KUNIT_CASE(zcit_chap_test_choose_unsupported),
	KUNIT_CASE(zcit_chap_test_choose_malformed),
	KUNIT_CASE(zcit_chap_test_choose_long),
	KUNIT_CASE(zcit_chap_test_decode_hex),
	KUNIT_CASE(zcit_chap_test_decode_hex_bad),
	KUNIT_CASE(zcit_chap_test_decode_hex_size),
	KUNIT_CASE(zcit_chap_test_decode_b64),
	KUNIT_CASE(zcit_chap_test_decode_b64_bad),
	KUNIT_CASE(zcit_chap_test_verify_vectors),
	KUNIT_CASE(zcit_chap_test_verify_wrong),
	KUNIT_CASE(zcit_chap_test_challenge),
	KUNIT_CASE(zcit_chap_test_challenge_errors),
	KUNIT_CASE(zcit_chap_test_respond_vectors),
	KUNIT_CASE(zcit_chap_test_respond_chap_i),
	KUNIT_CASE(zcit_chap_test_respond_reflection),
	KUNIT_CASE(zcit_chap_test_respond_errors),
	KUNIT_CASE(zcit_chap_test_round_trip),
	{}
};

static struct kunit_suite zcit_chap_test_suite = {
	.name = "zcit_chap",
	.test_cases = zcit_chap_test_cases,
};

/* MODULE_LICENSE() and MODULE_DESCRIPTION() are in kunit/param_test.c. */
kunit_test_suites(&zcit_chap_test_suite);
