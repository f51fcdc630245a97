/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Buffer helpers shared by the zcit KUnit suites. Every buffer comes from
 * kunit_kmalloc(), so a failed assertion leaks nothing, and is exactly as
 * long as its content: under KASAN, reading one byte too far fails the
 * test.
 */
#ifndef _ZCIT_KUNIT_TEST_UTIL_H
#define _ZCIT_KUNIT_TEST_UTIL_H

#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/types.h>

/* A copy of the string @s, NUL included. */
static inline char *zt_dup_str(struct kunit *test, const char *s)
{
	size_t size = strlen(s) + 1;
	char *d = kunit_kmalloc(test, size, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, d);
	memcpy(d, s, size);
	return d;
}

/* @len bytes of @bytes in a buffer of exactly @len bytes (no NUL added). */
static inline char *zt_exact(struct kunit *test, const void *bytes,
			     size_t len)
{
	char *b = kunit_kmalloc(test, len ? len : 1, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, b);
	memcpy(b, bytes, len);
	return b;
}

/* @c repeated @len times, NUL-terminated. */
static inline char *zt_repeat(struct kunit *test, char c, size_t len)
{
	char *s = kunit_kmalloc(test, len + 1, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, s);
	memset(s, c, len);
	s[len] = '\0';
	return s;
}

/* "0x" (or "0X" if @upper) and the hex of @len bytes, NUL-terminated. */
static inline char *zt_hex(struct kunit *test, const u8 *data, size_t len,
			   bool upper)
{
	char *s = kunit_kmalloc(test, 2 + 2 * len + 1, GFP_KERNEL);
	size_t i;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, s);
	s[0] = '0';
	s[1] = upper ? 'X' : 'x';
	for (i = 0; i < len; i++)
		sprintf(s + 2 + 2 * i, upper ? "%02X" : "%02x", data[i]);
	s[2 + 2 * len] = '\0';
	return s;
}

#endif /* _ZCIT_KUNIT_TEST_UTIL_H */
