// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for zcit's iSCSI names, TPG tags and network portal names
 * (include/zcit/names.h).
 *
 * Every name is copied into a buffer of exactly its size, so that under
 * KASAN reading past the terminating NUL is a failure.
 */
#include <kunit/test.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/string.h>
#include <zcit/names.h>
#include "test_util.h"

/* @prefix padded with @c to exactly @len bytes, NUL-terminated. */
static const char *padded_name(struct kunit *test, const char *prefix,
			       char c, size_t len)
{
	size_t plen = strlen(prefix);
	char *s = kunit_kmalloc(test, len + 1, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, s);
	KUNIT_ASSERT_LE(test, plen, len);
	memcpy(s, prefix, plen);
	memset(s + plen, c, len - plen);
	s[len] = '\0';
	return s;
}

static void zcit_names_test_iscsi_name_valid(struct kunit *test)
{
	static const char * const good[] = {
		"iqn.2003-01.org.linux-iscsi.host:sn.1234",
		"iqn.2003-01.org.linux-iscsi.host.x8664:sn.d0d7a3c2a4f1",
		"iqn.1994-05.com.redhat:5a7b9c1d2e3f",
		"iqn.2001-04.com.example",
		"iqn.2001-04.com.example:storage.disk2.sys1.xyz",
		"iqn.2001-12.com.example:storage-1",
		"eui.02004567A425678D",
		"naa.52004567BA64678D",
		"naa.62004567BA64678D0123456789ABCDEF",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(good); i++)
		KUNIT_EXPECT_EQ_MSG(test,
				    zcit_check_iscsi_name(zt_dup_str(test, good[i])),
				    0, "\"%s\"", good[i]);
}

static void zcit_names_test_iscsi_name_invalid(struct kunit *test)
{
	static const char * const bad[] = {
		"",
		"iqn",
		"iqn.",
		"eui.",
		"naa.",
		/* no type prefix */
		"2003-01.org.linux-iscsi.host:sn.1234",
		"02004567A425678D",
		"org.linux-iscsi.host",
		"xyz.2003-01.org.example",
		"iqn-2003-01.org.example",
		"eui-02004567A425678D",
		" iqn.2003-01.org.example",
		/* spaces and control characters */
		"iqn.2003-01.org.linux iscsi.host",
		"iqn.2003-01.org.example:sn 1234",
		"iqn.2003-01.org.example ",
		"iqn.2003-01.org.example\t",
		"iqn.2003-01.org.example\n",
		"iqn.2003-01.org.exa\x01mple",
		"iqn.2003-01.org.example:\x7f",
		"iqn.2003-01.org.example:\x1b[0m",
		"eui.02004567A425678D\n",
		/* iqn.yyyy-mm.naming-authority */
		"iqn.20x3-01.x",
		"iqn.203-01.org.example",
		"iqn.20033-01.org.example",
		"iqn.2003-1.org.example",
		"iqn.2003-001.org.example",
		"iqn.2003-xx.org.example",
		"iqn.2003.org.example",
		"iqn.2003-00.org.example",
		"iqn.2003-13.org.example",
		"iqn.2003-01",
		"iqn.2003-01.",
		"iqn.2003-01:org.example",
		/* eui.: exactly 16 hex digits */
		"eui.02004567A425678",
		"eui.02004567A425678D0",
		"eui.02004567A425678G",
		"eui.0200-4567A425678",
		"eui.02004567A425678D:x",
		"eui. 2004567A425678D",
		/* naa.: 16 or 32 hex digits */
		"naa.52004567BA64678",
		"naa.52004567BA64678D0",
		"naa.62004567BA64678D0123456789ABCDE",
		"naa.62004567BA64678D0123456789ABCDEF0",
		"naa.5200456ZBA64678D",
		"naa.52004567BA64678D:x",
	};
	size_t i;

	KUNIT_EXPECT_NE(test, zcit_check_iscsi_name(NULL), 0);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_NE_MSG(test,
				    zcit_check_iscsi_name(zt_dup_str(test, bad[i])),
				    0, "\"%s\"", bad[i]);
}

static void zcit_names_test_iscsi_name_length(struct kunit *test)
{
	static const struct {
		const char *prefix;
		size_t len;
		bool ok;
	} cases[] = {
		{ "iqn.2003-01.org.linux-iscsi.host:", 222, true },
		{ "iqn.2003-01.org.linux-iscsi.host:", 223, true },
		{ "iqn.2003-01.org.linux-iscsi.host:", 224, false },
		{ "iqn.2003-01.org.linux-iscsi.host:", 225, false },
		{ "iqn.2003-01.org.linux-iscsi.host:", 4096, false },
		{ "naa.", 224, false },
	};
	size_t i;

	/* RFC 7143 4.2.7.1: at most 223 bytes. */
	KUNIT_EXPECT_EQ(test, ZCIT_ISCSI_NAME_MAX, 223);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *s = padded_name(test, cases[i].prefix, 'a',
					    cases[i].len);
		int ret = zcit_check_iscsi_name(s);

		if (cases[i].ok)
			KUNIT_EXPECT_EQ_MSG(test, ret, 0, "%zu bytes",
					    cases[i].len);
		else
			KUNIT_EXPECT_NE_MSG(test, ret, 0, "%zu bytes",
					    cases[i].len);
	}
}

static void zcit_names_test_tpgt(struct kunit *test)
{
	static const struct {
		const char *name;
		u16 tag;
	} good[] = {
		{ "tpgt_1", 1 },
		{ "tpgt_2", 2 },
		{ "tpgt_10", 10 },
		{ "tpgt_3260", 3260 },
		{ "tpgt_65535", 65535 },
		/* iscsi_target_mod takes 0..65535, and so does zcit. */
		{ "tpgt_0", 0 },
	};
	static const char * const bad[] = {
		"", "tpgt", "tpgt_", "tpgt_65536", "tpgt_99999999999999999999",
		"tpgt_-1", "tpgt_1x", "tpgt_x1", "tpgt_1 ", "tpgt_ 1",
		"tpgt_1.0", "tpgt_1_2", "tpg_1", "tpgt1", "tpgt-1", "TPGT_1",
		"Tpgt_1", "tpgt__1", "1",
	};
	size_t i;
	u16 tag;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		tag = 0xbeef;
		KUNIT_EXPECT_EQ_MSG(test, zcit_parse_tpgt(zt_dup_str(test,
								     good[i].name),
							  &tag), 0,
				    "\"%s\"", good[i].name);
		KUNIT_EXPECT_EQ_MSG(test, tag, good[i].tag, "\"%s\"",
				    good[i].name);
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		tag = 0xbeef;
		KUNIT_EXPECT_NE_MSG(test,
				    zcit_parse_tpgt(zt_dup_str(test, bad[i]), &tag),
				    0, "\"%s\"", bad[i]);
		KUNIT_EXPECT_EQ_MSG(test, tag, 0xbeef, "\"%s\" set the tag",
				    bad[i]);
	}
}

static void expect_v4(struct kunit *test, const char *name, u32 addr,
		      u16 port)
{
	struct sockaddr_storage ss;
	const struct sockaddr_in *sin = (const struct sockaddr_in *)&ss;

	memset(&ss, 0xa5, sizeof(ss));
	KUNIT_ASSERT_EQ_MSG(test, zcit_parse_portal(zt_dup_str(test, name), &ss),
			    0, "\"%s\"", name);
	KUNIT_EXPECT_EQ_MSG(test, ss.ss_family, AF_INET, "\"%s\"", name);
	KUNIT_EXPECT_EQ_MSG(test, ntohl(sin->sin_addr.s_addr), addr, "\"%s\"",
			    name);
	KUNIT_EXPECT_EQ_MSG(test, ntohs(sin->sin_port), port, "\"%s\"", name);
}

static void expect_v6(struct kunit *test, const char *name,
		      const struct in6_addr *addr, u16 port)
{
	struct sockaddr_storage ss;
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&ss;

	memset(&ss, 0xa5, sizeof(ss));
	KUNIT_ASSERT_EQ_MSG(test, zcit_parse_portal(zt_dup_str(test, name), &ss),
			    0, "\"%s\"", name);
	KUNIT_EXPECT_EQ_MSG(test, ss.ss_family, AF_INET6, "\"%s\"", name);
	KUNIT_EXPECT_TRUE_MSG(test, !memcmp(&sin6->sin6_addr, addr,
					    sizeof(*addr)),
			      "\"%s\": %pI6c", name, &sin6->sin6_addr);
	KUNIT_EXPECT_EQ_MSG(test, ntohs(sin6->sin6_port), port, "\"%s\"",
			    name);
	KUNIT_EXPECT_EQ_MSG(test, sin6->sin6_scope_id, 0U, "\"%s\"", name);
}

static void zcit_names_test_portal_v4(struct kunit *test)
{
	expect_v4(test, "0.0.0.0:3260", INADDR_ANY, 3260);
	expect_v4(test, "127.0.0.1:3261", INADDR_LOOPBACK, 3261);
	expect_v4(test, "192.168.100.200:3260", 0xc0a864c8, 3260);
	expect_v4(test, "10.0.2.15:1", 0x0a00020f, 1);
	expect_v4(test, "255.255.255.254:65535", 0xfffffffe, 65535);
}

static void zcit_names_test_portal_v6(struct kunit *test)
{
	static const struct in6_addr db8 = {
		.s6_addr = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
			     0, 0, 0, 0, 0, 0, 0, 0x01 },
	};
	static const struct in6_addr mapped = {
		.s6_addr = { 0, 0, 0, 0, 0, 0, 0, 0,
			     0, 0, 0xff, 0xff, 10, 0, 2, 15 },
	};
	static const struct in6_addr full = {
		.s6_addr = { 0x20, 0x01, 0x0d, 0xb8, 0x12, 0x34, 0x56, 0x78,
			     0x9a, 0xbc, 0xde, 0xf0, 0x01, 0x23, 0x45, 0x67 },
	};

	expect_v6(test, "[::]:3260", &in6addr_any, 3260);
	expect_v6(test, "[::1]:3260", &in6addr_loopback, 3260);
	expect_v6(test, "[0:0:0:0:0:0:0:1]:3261", &in6addr_loopback, 3261);
	expect_v6(test, "[2001:db8::1]:65535", &db8, 65535);
	expect_v6(test, "[2001:DB8::1]:3260", &db8, 3260);
	expect_v6(test, "[::ffff:10.0.2.15]:3260", &mapped, 3260);
	expect_v6(test, "[2001:db8:1234:5678:9abc:def0:123:4567]:3260", &full,
		  3260);
}

static void zcit_names_test_portal_invalid(struct kunit *test)
{
	static const char * const bad[] = {
		"",
		":",
		":3260",
		"1.2.3.4",
		"1.2.3.4:",
		"1.2.3.4:99999",
		"1.2.3.4:65536",
		"1.2.3.4:-1",
		"1.2.3.4:3260x",
		"1.2.3.4:x3260",
		"1.2.3.4: 3260",
		"1.2.3.4 :3260",
		"1.2.3.4:3260:3260",
		"1.2.3.256:3260",
		"1.2.3:3260",
		"1.2.3.4.5:3260",
		"a.b.c.d:3260",
		"localhost:3260",
		"::1:3260",
		"[::1]3260",
		"[::1]",
		"[::1]:",
		"[::1",
		"[::1:3260",
		"::1]:3260",
		"[]:3260",
		"[:::1]:3260",
		"[::1]:99999",
		"[::1]:3260x",
		"[::g]:3260",
		"[1::2::3]:3260",
		"[::1] :3260",
	};
	struct sockaddr_storage ss;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		memset(&ss, 0xa5, sizeof(ss));
		KUNIT_EXPECT_NE_MSG(test,
				    zcit_parse_portal(zt_dup_str(test, bad[i]), &ss),
				    0, "\"%s\"", bad[i]);
	}
}

/* np/ names longer than ZCIT_PORTAL_NAME_MAX are refused, not truncated. */
static void zcit_names_test_portal_length(struct kunit *test)
{
	struct sockaddr_storage ss;
	const char *s;

	KUNIT_EXPECT_EQ(test, ZCIT_PORTAL_NAME_MAX, 256);

	/* "1.2.3.4:3260" followed by zeros would parse if truncated. */
	s = padded_name(test, "1.2.3.4:3260", ' ', ZCIT_PORTAL_NAME_MAX + 1);
	KUNIT_EXPECT_LT(test, zcit_parse_portal(s, &ss), 0);
	s = padded_name(test, "1.2.3.4:", '0', ZCIT_PORTAL_NAME_MAX + 1);
	KUNIT_EXPECT_LT(test, zcit_parse_portal(s, &ss), 0);
	s = padded_name(test, "1.2.3.4:", '0', 4096);
	KUNIT_EXPECT_LT(test, zcit_parse_portal(s, &ss), 0);
	s = padded_name(test, "[::1]:", '1', ZCIT_PORTAL_NAME_MAX + 1);
	KUNIT_EXPECT_LT(test, zcit_parse_portal(s, &ss), 0);

	/* At the limit: malformed, but must be rejected without overflow. */
	s = padded_name(test, "1.2.3.4:", '9', ZCIT_PORTAL_NAME_MAX);
	KUNIT_EXPECT_LT(test, zcit_parse_portal(s, &ss), 0);
	s = padded_name(test, "[", ':', ZCIT_PORTAL_NAME_MAX);
	KUNIT_EXPECT_LT(test, zcit_parse_portal(s, &ss), 0);
}

/* A failed parse leaves the caller's address alone. */
static void zcit_names_test_portal_untouched(struct kunit *test)
{
	static const char * const bad[] = {
		"1.2.3.256:3260", "1.2.3.4:", "[::1]3260", "[::g]:3260",
		"1.2.3.4:99999",
	};
	struct sockaddr_storage ss, before;
	size_t i;

	memset(&before, 0xa5, sizeof(before));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		memcpy(&ss, &before, sizeof(ss));
		KUNIT_EXPECT_NE(test, zcit_parse_portal(zt_dup_str(test, bad[i]),
							&ss), 0);
		KUNIT_EXPECT_TRUE_MSG(test, !memcmp(&ss, &before, sizeof(ss)),
				      "\"%s\" changed the address", bad[i]);
	}
}

/*
 * The port is decimal: a spelling that parses must mean 3260, not the
 * octal or hexadecimal reading of the same digits.
 */
static void zcit_names_test_portal_port_base(struct kunit *test)
{
	static const char * const names[] = {
		"127.0.0.1:03260", "127.0.0.1:003260", "127.0.0.1:0x0cbc",
		"127.0.0.1:0xcbc", "[::1]:03260", "[::1]:0xcbc",
	};
	struct sockaddr_storage ss;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		const struct sockaddr_in *sin = (const void *)&ss;
		const struct sockaddr_in6 *sin6 = (const void *)&ss;
		u16 port;

		memset(&ss, 0, sizeof(ss));
		if (zcit_parse_portal(zt_dup_str(test, names[i]), &ss))
			continue;
		port = ss.ss_family == AF_INET6 ? ntohs(sin6->sin6_port) :
						  ntohs(sin->sin_port);
		KUNIT_EXPECT_EQ_MSG(test, port, 3260, "\"%s\"", names[i]);
	}
	/* Leading zeros are not octal digits either. */
	memset(&ss, 0, sizeof(ss));
	if (!zcit_parse_portal(zt_dup_str(test, "127.0.0.1:09"), &ss))
		KUNIT_EXPECT_EQ(test,
				ntohs(((struct sockaddr_in *)&ss)->sin_port), 9);
}

static void parse(struct kunit *test, const char *name,
		  struct sockaddr_storage *ss)
{
	KUNIT_ASSERT_EQ_MSG(test, zcit_parse_portal(zt_dup_str(test, name), ss),
			    0, "\"%s\"", name);
}

static void zcit_names_test_sockaddr_equal(struct kunit *test)
{
	static const char * const names[] = {
		"0.0.0.0:3260", "127.0.0.1:3260", "127.0.0.1:3261",
		"127.0.0.2:3260", "10.0.2.15:3260",
		"[::]:3260", "[::1]:3260", "[::1]:3261", "[::2]:3260",
		"[::ffff:127.0.0.1]:3260", "[::ffff:10.0.2.15]:3260",
	};
	struct sockaddr_storage a, b;
	struct sockaddr_in *sin;
	size_t i, j;

	/* Distinct names are distinct endpoints; the same name is equal. */
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		for (j = 0; j < ARRAY_SIZE(names); j++) {
			memset(&a, 0, sizeof(a));
			memset(&b, 0xff, sizeof(b));
			parse(test, names[i], &a);
			parse(test, names[j], &b);
			KUNIT_EXPECT_EQ_MSG(test, zcit_sockaddr_equal(&a, &b),
					    i == j, "%s vs %s", names[i],
					    names[j]);
		}
	}

	/* Different spellings of one address. */
	parse(test, "[::1]:3260", &a);
	parse(test, "[0:0:0:0:0:0:0:1]:3260", &b);
	KUNIT_EXPECT_TRUE(test, zcit_sockaddr_equal(&a, &b));
	KUNIT_EXPECT_TRUE(test, zcit_sockaddr_equal(&b, &a));
	parse(test, "[2001:db8::1]:3260", &a);
	parse(test, "[2001:DB8:0::0:1]:3260", &b);
	KUNIT_EXPECT_TRUE(test, zcit_sockaddr_equal(&a, &b));

	/* sin_zero is padding, not part of the endpoint. */
	parse(test, "127.0.0.1:3260", &a);
	memcpy(&b, &a, sizeof(b));
	sin = (struct sockaddr_in *)&b;
	memset(sin->sin_zero, 0x5a, sizeof(sin->sin_zero));
	KUNIT_EXPECT_TRUE(test, zcit_sockaddr_equal(&a, &b));

	/* Built by hand rather than parsed. */
	memset(&a, 0, sizeof(a));
	sin = (struct sockaddr_in *)&a;
	sin->sin_family = AF_INET;
	sin->sin_port = htons(3260);
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	parse(test, "127.0.0.1:3260", &b);
	KUNIT_EXPECT_TRUE(test, zcit_sockaddr_equal(&a, &b));
}

static void zcit_names_test_sockaddr_wildcard(struct kunit *test)
{
	static const struct {
		const char *name;
		bool wildcard;
	} cases[] = {
		{ "0.0.0.0:3260", true },
		{ "0.0.0.0:1", true },
		{ "[::]:3260", true },
		{ "[0:0:0:0:0:0:0:0]:860", true },
		{ "127.0.0.1:3260", false },
		{ "0.0.0.1:3260", false },
		{ "255.255.255.255:3260", false },
		{ "10.0.2.15:3260", false },
		{ "[::1]:3260", false },
		{ "[::ffff:0.0.0.0]:3260", false },
		{ "[2001:db8::]:3260", false },
	};
	struct sockaddr_storage ss;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		memset(&ss, 0, sizeof(ss));
		parse(test, cases[i].name, &ss);
		KUNIT_EXPECT_EQ_MSG(test, zcit_sockaddr_is_wildcard(&ss),
				    cases[i].wildcard, "\"%s\"", cases[i].name);
	}

	/* Not an IP address at all. */
	memset(&ss, 0, sizeof(ss));
	ss.ss_family = AF_UNSPEC;
	KUNIT_EXPECT_FALSE(test, zcit_sockaddr_is_wildcard(&ss));
}

static void zcit_names_test_sockaddr_unmap(struct kunit *test)
{
	struct sockaddr_storage a, b;

	/* What a dual-stack socket reports for an IPv4 peer. */
	parse(test, "[::ffff:127.0.0.2]:3260", &a);
	zcit_sockaddr_unmap(&a);
	parse(test, "127.0.0.2:3260", &b);
	KUNIT_EXPECT_EQ(test, a.ss_family, (sa_family_t)AF_INET);
	KUNIT_EXPECT_TRUE(test, zcit_sockaddr_equal(&a, &b));

	/* Anything else is left alone. */
	parse(test, "[::1]:3260", &a);
	zcit_sockaddr_unmap(&a);
	parse(test, "[::1]:3260", &b);
	KUNIT_EXPECT_TRUE(test, zcit_sockaddr_equal(&a, &b));
	parse(test, "10.0.2.15:860", &a);
	zcit_sockaddr_unmap(&a);
	parse(test, "10.0.2.15:860", &b);
	KUNIT_EXPECT_TRUE(test, zcit_sockaddr_equal(&a, &b));
}

static void zcit_names_test_link_local(struct kunit *test)
{
	struct sockaddr_storage a;

	parse(test, "[fe80::1%2]:3260", &a);
	KUNIT_EXPECT_TRUE(test, zcit_sockaddr_is_link_local(&a));
	parse(test, "[febf::1%2]:3260", &a);
	KUNIT_EXPECT_TRUE(test, zcit_sockaddr_is_link_local(&a));
	parse(test, "[fec0::1]:3260", &a);
	KUNIT_EXPECT_FALSE(test, zcit_sockaddr_is_link_local(&a));
	parse(test, "[fd00::1]:3260", &a);
	KUNIT_EXPECT_FALSE(test, zcit_sockaddr_is_link_local(&a));
	parse(test, "169.254.1.1:3260", &a);
	KUNIT_EXPECT_FALSE(test, zcit_sockaddr_is_link_local(&a));
}

static void zcit_names_test_portal_match(struct kunit *test)
{
	static const struct {
		const char *portal, *local;
		int want;
	} cases[] = {
		{ "127.0.0.2:3260", "127.0.0.2:3260", ZCIT_PORTAL_EXACT },
		{ "127.0.0.2:3260", "127.0.0.1:3260", 0 },
		{ "127.0.0.2:3260", "127.0.0.2:3261", 0 },
		{ "0.0.0.0:3260", "127.0.0.2:3260", ZCIT_PORTAL_WILDCARD },
		{ "0.0.0.0:3260", "0.0.0.0:3260", ZCIT_PORTAL_EXACT },
		{ "0.0.0.0:3260", "127.0.0.2:3261", 0 },
		{ "0.0.0.0:3260", "[::1]:3260", 0 },
		{ "[::]:3260", "[fd00::1]:3260", ZCIT_PORTAL_WILDCARD },
		{ "[::]:3260", "127.0.0.1:3260", ZCIT_PORTAL_DUAL_STACK },
		{ "[::]:3260", "127.0.0.1:3261", 0 },
		{ "[::1]:3260", "[::1]:3260", ZCIT_PORTAL_EXACT },
		{ "[::1]:3260", "[fd00::1]:3260", 0 },
		{ "[::1]:3260", "127.0.0.1:3260", 0 },
		{ "[::ffff:127.0.0.2]:3260", "127.0.0.2:3260", ZCIT_PORTAL_EXACT },
		{ "[::ffff:0.0.0.0]:3260", "10.0.0.1:3260", ZCIT_PORTAL_WILDCARD },
		{ "[fe80::1%2]:3260", "[fe80::1%2]:3260", ZCIT_PORTAL_EXACT },
		{ "[fe80::1%2]:3260", "[fe80::1%3]:3260", 0 },
		{ "[::]:3260", "[fe80::1%3]:3260", ZCIT_PORTAL_WILDCARD },
	};
	struct sockaddr_storage p, l;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		parse(test, cases[i].portal, &p);
		parse(test, cases[i].local, &l);
		KUNIT_EXPECT_EQ_MSG(test, zcit_portal_match(&p, &l),
				    cases[i].want, "%s serving %s",
				    cases[i].portal, cases[i].local);
	}
	/* The best match ranks highest. */
	KUNIT_EXPECT_GT(test, ZCIT_PORTAL_EXACT, ZCIT_PORTAL_WILDCARD);
	KUNIT_EXPECT_GT(test, ZCIT_PORTAL_WILDCARD, ZCIT_PORTAL_DUAL_STACK);
	KUNIT_EXPECT_GT(test, ZCIT_PORTAL_DUAL_STACK, 0);

	memset(&p, 0, sizeof(p));
	p.ss_family = AF_UNSPEC;
	KUNIT_EXPECT_EQ(test, zcit_portal_match(&p, &l), 0);
	KUNIT_EXPECT_EQ(test, zcit_portal_match(&l, &p), 0);
}

static void zcit_names_test_portal_advertise(struct kunit *test)
{
	static const struct {
		const char *portal, *local;
		const char *want;	/* NULL: not advertised */
	} cases[] = {
		/* A specific address is given as it is. */
		{ "127.0.0.2:3260", "127.0.0.1:3260", "127.0.0.2:3260" },
		{ "[fd00::1]:3260", "127.0.0.1:3260", "[fd00::1]:3260" },
		/* A wildcard, as the address reached, with its own port. */
		{ "0.0.0.0:3260", "127.0.0.3:3260", "127.0.0.3:3260" },
		{ "0.0.0.0:3261", "127.0.0.3:3260", "127.0.0.3:3261" },
		{ "[::]:3260", "[fd00::1]:3260", "[fd00::1]:3260" },
		{ "[::]:3260", "127.0.0.1:3260", "127.0.0.1:3260" },
		{ "[::ffff:0.0.0.0]:3260", "10.0.0.1:3260", "10.0.0.1:3260" },
		/* ... never itself, nor for a family it does not serve. */
		{ "0.0.0.0:3260", "[::1]:3260", NULL },
		/* Link-local only to whoever reached that very address. */
		{ "[fe80::1%2]:3260", "127.0.0.1:3260", NULL },
		{ "[fe80::1%2]:3260", "[fd00::1]:3260", NULL },
		{ "[fe80::1%2]:3260", "[fe80::1%3]:3260", NULL },
		{ "[fe80::1%2]:3260", "[fe80::2%2]:3260", NULL },
		{ "[fe80::1%2]:3261", "[fe80::1%2]:3260", "[fe80::1%2]:3261" },
		{ "[::]:3260", "[fe80::1%2]:3260", "[fe80::1%2]:3260" },
	};
	struct sockaddr_storage p, l, got, want;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		bool ok;

		parse(test, cases[i].portal, &p);
		parse(test, cases[i].local, &l);
		memset(&got, 0, sizeof(got));
		ok = zcit_portal_advertise(&p, &l, &got);
		KUNIT_EXPECT_EQ_MSG(test, ok, !!cases[i].want, "%s to %s",
				    cases[i].portal, cases[i].local);
		if (!ok || !cases[i].want)
			continue;
		parse(test, cases[i].want, &want);
		KUNIT_EXPECT_TRUE_MSG(test, zcit_sockaddr_equal(&got, &want),
				      "%s to %s: %pISpc, want %s",
				      cases[i].portal, cases[i].local, &got,
				      cases[i].want);
		KUNIT_EXPECT_FALSE(test, zcit_sockaddr_is_wildcard(&got));
	}
}

static struct kunit_case zcit_names_test_cases[] = {
	KUNIT_CASE(zcit_names_test_iscsi_name_valid),
	KUNIT_CASE(zcit_names_test_iscsi_name_invalid),
	KUNIT_CASE(zcit_names_test_iscsi_name_length),
	KUNIT_CASE(zcit_names_test_tpgt),
	KUNIT_CASE(zcit_names_test_portal_v4),
	KUNIT_CASE(zcit_names_test_portal_v6),
	KUNIT_CASE(zcit_names_test_portal_invalid),
	KUNIT_CASE(zcit_names_test_portal_length),
	KUNIT_CASE(zcit_names_test_portal_untouched),
	KUNIT_CASE(zcit_names_test_portal_port_base),
	KUNIT_CASE(zcit_names_test_sockaddr_equal),
	KUNIT_CASE(zcit_names_test_sockaddr_wildcard),
	KUNIT_CASE(zcit_names_test_sockaddr_unmap),
	KUNIT_CASE(zcit_names_test_link_local),
	KUNIT_CASE(zcit_names_test_portal_match),
	KUNIT_CASE(zcit_names_test_portal_advertise),
	{}
};

static struct kunit_suite zcit_names_test_suite = {
	.name = "zcit_names",
	.test_cases = zcit_names_test_cases,
};

/* MODULE_LICENSE() and MODULE_DESCRIPTION() are in kunit/param_test.c. */
kunit_test_suites(&zcit_names_test_suite);
