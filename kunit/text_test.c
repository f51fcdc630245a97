// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for zcit's text-key codec (include/zcit/text.h, RFC 7143
 * section 6.1).
 *
 * Data given to zcit_text_next() is copied into a buffer of exactly its
 * length, with no NUL after it, so that under KASAN reading past the data
 * is a failure.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <zcit/text.h>
#include "test_util.h"

/* One pair, as a literal (embedded NULs included) without its own NUL. */
#define ONE_LIT(test, s, kv)	one_lit(test, s, sizeof(s), kv)

/* A "key=value\0" pair with a key of @klen and a value of @vlen bytes. */
static char *pair(struct kunit *test, const char *kpfx, u32 klen, u32 vlen,
		  u32 *len)
{
	u32 plen = strlen(kpfx);
	char *b;

	*len = klen + 1 + vlen + 1;
	b = kunit_kmalloc(test, *len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, b);
	KUNIT_ASSERT_LE(test, plen, klen);
	memcpy(b, kpfx, plen);
	memset(b + plen, 'k', klen - plen);
	b[klen] = '=';
	memset(b + klen + 1, 'v', vlen);
	b[klen + 1 + vlen] = '\0';
	return b;
}

/* The result of zcit_text_next() on a whole buffer holding one pair. */
static int one_pair(char *buf, u32 len, struct zcit_kv *kv)
{
	u32 pos = 0;

	return zcit_text_next(buf, len, &pos, kv);
}

static int one_lit(struct kunit *test, const char *s, size_t size,
		   struct zcit_kv *kv)
{
	return one_pair(zt_exact(test, s, size - 1), size - 1, kv);
}

static void zcit_text_test_in_cap(struct kunit *test)
{
	struct zcit_text_in t;
	char data[17];

	memset(data, 'a', sizeof(data));
	KUNIT_EXPECT_EQ(test, zcit_text_in_init(&t, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, zcit_text_in_init(&t, ZCIT_TEXT_TOTAL_MAX + 1),
			-EINVAL);
	KUNIT_ASSERT_EQ(test, zcit_text_in_init(&t, 16), 0);
	KUNIT_EXPECT_EQ(test, t.len, 0U);
	KUNIT_EXPECT_EQ(test, t.buf[0], '\0');

	/* cap + 1 at once: refused, nothing appended. */
	KUNIT_EXPECT_EQ(test, zcit_text_in_append(&t, data, 17), -E2BIG);
	KUNIT_EXPECT_EQ(test, t.len, 0U);

	/* Exactly cap over two PDUs. */
	KUNIT_EXPECT_EQ(test, zcit_text_in_append(&t, data, 10), 0);
	KUNIT_EXPECT_EQ(test, t.buf[10], '\0');
	KUNIT_EXPECT_EQ(test, zcit_text_in_append(&t, data, 6), 0);
	KUNIT_EXPECT_EQ(test, t.len, 16U);
	KUNIT_EXPECT_EQ(test, t.buf[16], '\0');

	/* One byte more (cap + 1 in all): refused, unchanged. */
	KUNIT_EXPECT_EQ(test, zcit_text_in_append(&t, data, 1), -E2BIG);
	KUNIT_EXPECT_EQ(test, t.len, 16U);
	KUNIT_EXPECT_EQ(test, t.buf[16], '\0');
	/* An empty segment always fits. */
	KUNIT_EXPECT_EQ(test, zcit_text_in_append(&t, data, 0), 0);

	zcit_text_in_reset(&t);
	KUNIT_EXPECT_EQ(test, t.len, 0U);
	KUNIT_EXPECT_EQ(test, t.buf[0], '\0');
	KUNIT_EXPECT_EQ(test, zcit_text_in_append(&t, data, 16), 0);
	zcit_text_in_free(&t);
	KUNIT_EXPECT_NULL(test, t.buf);
	/* Freeing twice is harmless. */
	zcit_text_in_free(&t);

	KUNIT_ASSERT_EQ(test, zcit_text_in_init(&t, ZCIT_TEXT_TOTAL_MAX), 0);
	zcit_text_in_free(&t);
}

/* A pair split over two PDUs with the C bit (RFC 7143 6.1). */
static void zcit_text_test_in_split(struct kunit *test)
{
	static const char pdu1[] = "HeaderDigest=CRC32C\0DataDig";
	static const char pdu2[] = "est=None\0";
	struct zcit_text_in t;
	struct zcit_kv kv;
	u32 pos = 0;

	KUNIT_ASSERT_EQ(test, zcit_text_in_init(&t, 64), 0);
	KUNIT_EXPECT_EQ(test, zcit_text_in_append(&t, pdu1, sizeof(pdu1) - 1),
			0);
	KUNIT_EXPECT_EQ(test, zcit_text_in_append(&t, pdu2, sizeof(pdu2) - 1),
			0);
	KUNIT_EXPECT_EQ(test, zcit_text_next(t.buf, t.len, &pos, &kv), 1);
	KUNIT_EXPECT_STREQ(test, kv.key, "HeaderDigest");
	KUNIT_EXPECT_STREQ(test, kv.val, "CRC32C");
	KUNIT_EXPECT_EQ(test, zcit_text_next(t.buf, t.len, &pos, &kv), 1);
	KUNIT_EXPECT_STREQ(test, kv.key, "DataDigest");
	KUNIT_EXPECT_STREQ(test, kv.val, "None");
	KUNIT_EXPECT_EQ(test, kv.vlen, 4U);
	KUNIT_EXPECT_EQ(test, zcit_text_next(t.buf, t.len, &pos, &kv), 0);
	zcit_text_in_free(&t);
}

static void zcit_text_test_next_pairs(struct kunit *test)
{
	struct zcit_kv kv;
	u32 len, pos = 0;
	char *b;

	b = zt_exact(test, "a=b\0c=d\0", 8);
	len = 8;
	KUNIT_EXPECT_EQ(test, zcit_text_next(b, len, &pos, &kv), 1);
	KUNIT_EXPECT_STREQ(test, kv.key, "a");
	KUNIT_EXPECT_STREQ(test, kv.val, "b");
	KUNIT_EXPECT_EQ(test, kv.vlen, 1U);
	KUNIT_EXPECT_EQ(test, pos, 4U);
	/* The '=' became a NUL, in place. */
	KUNIT_EXPECT_PTR_EQ(test, kv.key, (const char *)b);
	KUNIT_EXPECT_EQ(test, b[1], '\0');
	KUNIT_EXPECT_EQ(test, zcit_text_next(b, len, &pos, &kv), 1);
	KUNIT_EXPECT_STREQ(test, kv.key, "c");
	KUNIT_EXPECT_STREQ(test, kv.val, "d");
	KUNIT_EXPECT_EQ(test, zcit_text_next(b, len, &pos, &kv), 0);
	/* And stays at the end. */
	KUNIT_EXPECT_EQ(test, zcit_text_next(b, len, &pos, &kv), 0);

	/* No data at all. */
	pos = 0;
	KUNIT_EXPECT_EQ(test, zcit_text_next(zt_exact(test, "", 0), 0, &pos, &kv),
			0);

	/* Values may hold '=' (base64 CHAP values end with it). */
	KUNIT_EXPECT_EQ(test, ONE_LIT(test, "CHAP_R=0bAb+/==\0", &kv), 1);
	KUNIT_EXPECT_STREQ(test, kv.key, "CHAP_R");
	KUNIT_EXPECT_STREQ(test, kv.val, "0bAb+/==");

	/* An empty value is returned: the key's rules decide. */
	KUNIT_EXPECT_EQ(test, ONE_LIT(test, "InitiatorAlias=\0", &kv), 1);
	KUNIT_EXPECT_STREQ(test, kv.val, "");
	KUNIT_EXPECT_EQ(test, kv.vlen, 0U);

	/* Every character RFC 7143 6.1 allows in a key. */
	KUNIT_EXPECT_EQ(test,
			ONE_LIT(test, "azAZ09.-+@_=x\0", &kv), 1);
	KUNIT_EXPECT_STREQ(test, kv.key, "azAZ09.-+@_");
	/* Extension keys (RFC 7143 13.22, 13.26). */
	KUNIT_EXPECT_EQ(test, ONE_LIT(test, "X-com.example.k=v\0", &kv),
			1);
	KUNIT_EXPECT_EQ(test, ONE_LIT(test, "X#NodeArchitecture=v\0", &kv), 1);
	KUNIT_EXPECT_STREQ(test, kv.key, "X#NodeArchitecture");
}

/* Runs of NULs between and after pairs are padding (RFC 7143 6.1). */
static void zcit_text_test_next_nul_padding(struct kunit *test)
{
	struct zcit_kv kv;
	u32 len, pos = 0;
	char *b;

	b = zt_exact(test, "\0\0a=b\0\0\0c=\0\0\0", 14);
	len = 14;
	KUNIT_EXPECT_EQ(test, zcit_text_next(b, len, &pos, &kv), 1);
	KUNIT_EXPECT_STREQ(test, kv.key, "a");
	KUNIT_EXPECT_STREQ(test, kv.val, "b");
	KUNIT_EXPECT_EQ(test, zcit_text_next(b, len, &pos, &kv), 1);
	KUNIT_EXPECT_STREQ(test, kv.key, "c");
	KUNIT_EXPECT_STREQ(test, kv.val, "");
	KUNIT_EXPECT_EQ(test, zcit_text_next(b, len, &pos, &kv), 0);
	KUNIT_EXPECT_EQ(test, pos, len);

	/* Only NULs. */
	pos = 0;
	b = zt_exact(test, "\0\0\0\0", 4);
	KUNIT_EXPECT_EQ(test, zcit_text_next(b, 4, &pos, &kv), 0);
}

static void zcit_text_test_next_malformed(struct kunit *test)
{
	static const struct {
		const char *data;
		u32 len;
	} bad[] = {
		{ "ab\0", 3 },			/* no '=' */
		{ "=b\0", 3 },			/* empty key */
		{ "=\0", 2 },
		{ "a=b", 3 },			/* last pair not ended */
		{ "a", 1 },
		{ "=", 1 },
		{ "a b=c\0", 6 },		/* space in the key */
		{ "a/b=c\0", 6 },
		{ "a:b=c\0", 6 },
		{ "a#b=c\0", 6 },		/* '#' outside "X#" */
		{ "#X=c\0", 5 },
		{ "XX#=c\0", 6 },
		{ "k\xc3\xa9=v\0", 6 },		/* non-ASCII key */
		{ "a\tb=c\0", 6 },
	};
	struct zcit_kv kv;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_EQ_MSG(test,
				    one_pair(zt_exact(test, bad[i].data,
						      bad[i].len),
					     bad[i].len, &kv),
				    -EINVAL, "case %zu", i);
}

/* A good pair followed by a bad one: the first is still returned. */
static void zcit_text_test_next_bad_after_good(struct kunit *test)
{
	struct zcit_kv kv;
	u32 len, pos = 0;
	char *b;

	b = zt_exact(test, "a=b\0c=d", 7);
	len = 7;
	KUNIT_EXPECT_EQ(test, zcit_text_next(b, len, &pos, &kv), 1);
	KUNIT_EXPECT_EQ(test, zcit_text_next(b, len, &pos, &kv), -EINVAL);

	/* The NUL just past @len is not looked at. */
	pos = 0;
	b = zt_exact(test, "a=b\0", 4);
	KUNIT_EXPECT_EQ(test, zcit_text_next(b, 3, &pos, &kv), -EINVAL);
	KUNIT_EXPECT_EQ(test, zcit_text_next(b, 4, &pos, &kv), 1);
}

static void zcit_text_test_next_key_len(struct kunit *test)
{
	struct zcit_kv kv;
	u32 len;
	char *b;

	b = pair(test, "", ZCIT_TEXT_KEY_MAX, 1, &len);
	KUNIT_EXPECT_EQ(test, one_pair(b, len, &kv), 1);
	KUNIT_EXPECT_EQ(test, strlen(kv.key), (size_t)ZCIT_TEXT_KEY_MAX);

	b = pair(test, "", ZCIT_TEXT_KEY_MAX + 1, 1, &len);
	KUNIT_EXPECT_EQ(test, one_pair(b, len, &kv), -EINVAL);

	b = pair(test, "", 1, 1, &len);
	KUNIT_EXPECT_EQ(test, one_pair(b, len, &kv), 1);
}

static void zcit_text_test_next_value_len(struct kunit *test)
{
	struct zcit_kv kv;
	u32 len;
	char *b;

	b = pair(test, "Key", 3, ZCIT_TEXT_VALUE_MAX, &len);
	KUNIT_EXPECT_EQ(test, one_pair(b, len, &kv), 1);
	KUNIT_EXPECT_EQ(test, kv.vlen, (u32)ZCIT_TEXT_VALUE_MAX);

	b = pair(test, "Key", 3, ZCIT_TEXT_VALUE_MAX + 1, &len);
	KUNIT_EXPECT_EQ(test, one_pair(b, len, &kv), -EINVAL);
	/* A refused pair is left as it was. */
	KUNIT_EXPECT_EQ(test, b[3], '=');

	/* CHAP_C and CHAP_R are long values ... */
	b = pair(test, "CHAP_C", 6, ZCIT_TEXT_LONG_VALUE_MAX, &len);
	KUNIT_EXPECT_EQ(test, one_pair(b, len, &kv), 1);
	KUNIT_EXPECT_EQ(test, kv.vlen, (u32)ZCIT_TEXT_LONG_VALUE_MAX);
	b = pair(test, "CHAP_R", 6, ZCIT_TEXT_VALUE_MAX + 1, &len);
	KUNIT_EXPECT_EQ(test, one_pair(b, len, &kv), 1);
	b = pair(test, "CHAP_C", 6, ZCIT_TEXT_LONG_VALUE_MAX + 1, &len);
	KUNIT_EXPECT_EQ(test, one_pair(b, len, &kv), -EINVAL);
	b = pair(test, "CHAP_R", 6, ZCIT_TEXT_LONG_VALUE_MAX + 1, &len);
	KUNIT_EXPECT_EQ(test, one_pair(b, len, &kv), -EINVAL);

	/* ... but not CHAP_N, nor a key that only starts like them. */
	b = pair(test, "CHAP_N", 6, ZCIT_TEXT_VALUE_MAX + 1, &len);
	KUNIT_EXPECT_EQ(test, one_pair(b, len, &kv), -EINVAL);
	b = pair(test, "CHAP_CC", 7, ZCIT_TEXT_VALUE_MAX + 1, &len);
	KUNIT_EXPECT_EQ(test, one_pair(b, len, &kv), -EINVAL);

	KUNIT_EXPECT_TRUE(test, zcit_text_key_is_long("CHAP_C"));
	KUNIT_EXPECT_TRUE(test, zcit_text_key_is_long("CHAP_R"));
	KUNIT_EXPECT_FALSE(test, zcit_text_key_is_long("CHAP_N"));
	KUNIT_EXPECT_FALSE(test, zcit_text_key_is_long("CHAP_I"));
	KUNIT_EXPECT_FALSE(test, zcit_text_key_is_long("chap_c"));
}

/* Hostile data: every byte value, no pair crosses the end of the data. */
static void zcit_text_test_next_fuzz(struct kunit *test)
{
	struct zcit_kv kv;
	u32 seed = 1, i, n, pos;
	int ret, rounds;
	char *b;

	for (rounds = 0; rounds < 200; rounds++) {
		n = 1 + rounds % 40;
		b = kunit_kmalloc(test, n, GFP_KERNEL);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, b);
		for (i = 0; i < n; i++) {
			seed = seed * 1103515245 + 12345;
			/* Mostly '=', NUL and letters. */
			switch ((seed >> 16) % 4) {
			case 0:
				b[i] = '=';
				break;
			case 1:
				b[i] = '\0';
				break;
			case 2:
				b[i] = 'a';
				break;
			default:
				b[i] = seed >> 8;
			}
		}
		pos = 0;
		while ((ret = zcit_text_next(b, n, &pos, &kv)) == 1) {
			KUNIT_EXPECT_LE(test, pos, n);
			/* The value and its NUL lie inside the data. */
			KUNIT_EXPECT_TRUE(test, kv.key >= b &&
					  kv.val + kv.vlen < b + n);
			KUNIT_EXPECT_EQ(test, kv.val[kv.vlen], '\0');
		}
		KUNIT_EXPECT_TRUE(test, ret == 0 || ret == -EINVAL);
	}
}

static void zcit_text_test_out_add(struct kunit *test)
{
	struct zcit_text_out o;

	KUNIT_EXPECT_EQ(test, zcit_text_out_init(&o, 0), -EINVAL);
	KUNIT_ASSERT_EQ(test, zcit_text_out_init(&o, 8), 0);
	/* "a=bc\0": 5 bytes. */
	KUNIT_EXPECT_EQ(test, zcit_text_add(&o, "a", "bc"), 0);
	KUNIT_EXPECT_EQ(test, o.len, 5U);
	/* 5 more do not fit in 3: nothing written. */
	KUNIT_EXPECT_EQ(test, zcit_text_add(&o, "d", "ef"), -ENOSPC);
	KUNIT_EXPECT_EQ(test, o.len, 5U);
	KUNIT_EXPECT_EQ(test, zcit_text_addf(&o, "d", "%u", 10U), -ENOSPC);
	KUNIT_EXPECT_EQ(test, o.len, 5U);
	/* Exactly full: "d=\0". */
	KUNIT_EXPECT_EQ(test, zcit_text_add(&o, "d", ""), 0);
	KUNIT_EXPECT_EQ(test, o.len, 8U);
	KUNIT_EXPECT_EQ(test, memcmp(o.buf, "a=bc\0d=\0", 8), 0);
	KUNIT_EXPECT_EQ(test, zcit_text_add(&o, "", ""), -ENOSPC);

	zcit_text_out_reset(&o);
	KUNIT_EXPECT_EQ(test, o.len, 0U);
	/* addf exactly full: "n=12345\0" is 8 bytes. */
	KUNIT_EXPECT_EQ(test, zcit_text_addf(&o, "n", "%u", 12345U), 0);
	KUNIT_EXPECT_EQ(test, memcmp(o.buf, "n=12345\0", 8), 0);
	zcit_text_out_reset(&o);
	KUNIT_EXPECT_EQ(test, zcit_text_addf(&o, "n", "%u", 123456U),
			-ENOSPC);
	KUNIT_EXPECT_EQ(test, o.len, 0U);
	zcit_text_out_free(&o);
	KUNIT_EXPECT_NULL(test, o.buf);
	/* A freed response refuses everything. */
	KUNIT_EXPECT_EQ(test, zcit_text_add(&o, "a", "b"), -ENOSPC);
}

static void zcit_text_test_out_chunk(struct kunit *test)
{
	struct zcit_text_out o;
	const char *data;
	bool more;

	KUNIT_ASSERT_EQ(test, zcit_text_out_init(&o, 64), 0);
	/* 10 bytes: "abc=defgh\0". */
	KUNIT_ASSERT_EQ(test, zcit_text_add(&o, "abc", "defgh"), 0);

	KUNIT_EXPECT_EQ(test, zcit_text_out_chunk(&o, 4, &data, &more), 4U);
	KUNIT_EXPECT_TRUE(test, more);
	KUNIT_EXPECT_EQ(test, memcmp(data, "abc=", 4), 0);
	KUNIT_EXPECT_EQ(test, zcit_text_out_chunk(&o, 4, &data, &more), 4U);
	KUNIT_EXPECT_TRUE(test, more);
	KUNIT_EXPECT_EQ(test, memcmp(data, "defg", 4), 0);
	KUNIT_EXPECT_EQ(test, zcit_text_out_chunk(&o, 4, &data, &more), 2U);
	KUNIT_EXPECT_FALSE(test, more);
	KUNIT_EXPECT_EQ(test, memcmp(data, "h\0", 2), 0);
	KUNIT_EXPECT_EQ(test, zcit_text_out_chunk(&o, 4, &data, &more), 0U);
	KUNIT_EXPECT_FALSE(test, more);

	/* Exactly max bytes: one chunk, no C bit. */
	zcit_text_out_reset(&o);
	KUNIT_ASSERT_EQ(test, zcit_text_add(&o, "abc", "defgh"), 0);
	KUNIT_EXPECT_EQ(test, zcit_text_out_chunk(&o, 10, &data, &more), 10U);
	KUNIT_EXPECT_FALSE(test, more);

	/* max + 1 bytes: two chunks, the last one byte. */
	zcit_text_out_reset(&o);
	KUNIT_ASSERT_EQ(test, zcit_text_add(&o, "abc", "defgh"), 0);
	KUNIT_EXPECT_EQ(test, zcit_text_out_chunk(&o, 9, &data, &more), 9U);
	KUNIT_EXPECT_TRUE(test, more);
	KUNIT_EXPECT_EQ(test, zcit_text_out_chunk(&o, 9, &data, &more), 1U);
	KUNIT_EXPECT_FALSE(test, more);
	KUNIT_EXPECT_EQ(test, data[0], '\0');

	/* Nothing written: an empty chunk, no C bit. */
	zcit_text_out_reset(&o);
	KUNIT_EXPECT_EQ(test, zcit_text_out_chunk(&o, 9, &data, &more), 0U);
	KUNIT_EXPECT_FALSE(test, more);
	zcit_text_out_free(&o);
}

/* A response chunked at 8192 bytes reassembles into the same pairs. */
static void zcit_text_test_roundtrip(struct kunit *test)
{
	struct zcit_text_out o;
	struct zcit_text_in t;
	struct zcit_kv kv;
	const char *data;
	u32 n, pos = 0;
	int i, pieces = 0;
	bool more;

	KUNIT_ASSERT_EQ(test, zcit_text_out_init(&o, ZCIT_TEXT_TOTAL_MAX), 0);
	KUNIT_ASSERT_EQ(test, zcit_text_in_init(&t, ZCIT_TEXT_TOTAL_MAX), 0);
	for (i = 0; i < 1000; i++)
		KUNIT_ASSERT_EQ(test, zcit_text_addf(&o, "Key", "value%d", i),
				0);
	do {
		n = zcit_text_out_chunk(&o, ZCIT_TEXT_PDU_MAX, &data, &more);
		KUNIT_EXPECT_LE(test, n, (u32)ZCIT_TEXT_PDU_MAX);
		KUNIT_ASSERT_EQ(test, zcit_text_in_append(&t, data, n), 0);
		pieces++;
	} while (more);
	KUNIT_EXPECT_EQ(test, t.len, o.len);
	KUNIT_EXPECT_EQ(test, pieces, (int)DIV_ROUND_UP(o.len,
							ZCIT_TEXT_PDU_MAX));
	for (i = 0; i < 1000; i++) {
		char want[16];

		KUNIT_ASSERT_EQ(test, zcit_text_next(t.buf, t.len, &pos, &kv),
				1);
		snprintf(want, sizeof(want), "value%d", i);
		KUNIT_EXPECT_STREQ(test, kv.val, want);
	}
	KUNIT_EXPECT_EQ(test, zcit_text_next(t.buf, t.len, &pos, &kv), 0);
	zcit_text_in_free(&t);
	zcit_text_out_free(&o);
}

static struct kunit_case zcit_text_test_cases[] = {
	KUNIT_CASE(zcit_text_test_in_cap),
	KUNIT_CASE(zcit_text_test_in_split),
	KUNIT_CASE(zcit_text_test_next_pairs),
	KUNIT_CASE(zcit_text_test_next_nul_padding),
	KUNIT_CASE(zcit_text_test_next_malformed),
	KUNIT_CASE(zcit_text_test_next_bad_after_good),
	KUNIT_CASE(zcit_text_test_next_key_len),
	KUNIT_CASE(zcit_text_test_next_value_len),
	KUNIT_CASE(zcit_text_test_next_fuzz),
	KUNIT_CASE(zcit_text_test_out_add),
	KUNIT_CASE(zcit_text_test_out_chunk),
	KUNIT_CASE(zcit_text_test_roundtrip),
	{}
};

static struct kunit_suite zcit_text_test_suite = {
	.name = "zcit_text",
	.test_cases = zcit_text_test_cases,
};

/* MODULE_LICENSE() and MODULE_DESCRIPTION() are in kunit/param_test.c. */
kunit_test_suites(&zcit_text_test_suite);
