// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for zcit's TPG keys, TPG and ACL attributes and CHAP
 * credentials (include/zcit/param.h).
 *
 * configfs hands a store method the bytes written, not NUL-terminated, so
 * the helpers below copy each test value into a buffer of exactly its
 * length: under KASAN, reading one byte too far is a failure.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <zcit/param.h>
#include "test_util.h"

static struct zcit_params *alloc_params(struct kunit *test)
{
	struct zcit_params *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
	zcit_params_init(p);
	return p;
}

/* Write @s to @key as "echo -n" would. */
static int store(struct kunit *test, struct zcit_params *p, enum zcit_key key,
		 const char *s)
{
	return zcit_param_store(p, key, zt_exact(test, s, strlen(s)),
				strlen(s));
}

/* Write @s to @key as "echo" would: with a trailing newline. */
static int store_nl(struct kunit *test, struct zcit_params *p,
		    enum zcit_key key, const char *s)
{
	size_t len = strlen(s);
	char *buf = kunit_kmalloc(test, len + 1, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	memcpy(buf, s, len);
	buf[len] = '\n';
	return zcit_param_store(p, key, buf, len + 1);
}

static const struct {
	enum zcit_key key;
	const char *name;
	const char *def;
} key_table[] = {
	{ ZCIT_KEY_AUTHMETHOD, "AuthMethod", "CHAP,None" },
	{ ZCIT_KEY_HEADERDIGEST, "HeaderDigest", "CRC32C,None" },
	{ ZCIT_KEY_DATADIGEST, "DataDigest", "CRC32C,None" },
	{ ZCIT_KEY_MAXCONNECTIONS, "MaxConnections", "1" },
	{ ZCIT_KEY_TARGETALIAS, "TargetAlias", "LIO Target" },
	{ ZCIT_KEY_INITIALR2T, "InitialR2T", "Yes" },
	{ ZCIT_KEY_IMMEDIATEDATA, "ImmediateData", "Yes" },
	{ ZCIT_KEY_MAXRECVDATASEGMENTLENGTH, "MaxRecvDataSegmentLength",
	  "8192" },
	{ ZCIT_KEY_MAXXMITDATASEGMENTLENGTH, "MaxXmitDataSegmentLength",
	  "262144" },
	{ ZCIT_KEY_MAXBURSTLENGTH, "MaxBurstLength", "262144" },
	{ ZCIT_KEY_FIRSTBURSTLENGTH, "FirstBurstLength", "65536" },
	{ ZCIT_KEY_DEFAULTTIME2WAIT, "DefaultTime2Wait", "2" },
	{ ZCIT_KEY_DEFAULTTIME2RETAIN, "DefaultTime2Retain", "20" },
	{ ZCIT_KEY_MAXOUTSTANDINGR2T, "MaxOutstandingR2T", "1" },
	{ ZCIT_KEY_DATAPDUINORDER, "DataPDUInOrder", "Yes" },
	{ ZCIT_KEY_DATASEQUENCEINORDER, "DataSequenceInOrder", "Yes" },
	{ ZCIT_KEY_ERRORRECOVERYLEVEL, "ErrorRecoveryLevel", "0" },
	{ ZCIT_KEY_IFMARKER, "IFMarker", "No" },
	{ ZCIT_KEY_OFMARKER, "OFMarker", "No" },
	{ ZCIT_KEY_IFMARKINT, "IFMarkInt", "Reject" },
	{ ZCIT_KEY_OFMARKINT, "OFMarkInt", "Reject" },
};

static void zcit_param_test_defaults(struct kunit *test)
{
	struct zcit_params *p = alloc_params(test);
	size_t i;

	KUNIT_ASSERT_EQ(test, ARRAY_SIZE(key_table), (size_t)ZCIT_NR_KEYS);
	for (i = 0; i < ARRAY_SIZE(key_table); i++)
		KUNIT_EXPECT_STREQ_MSG(test, p->val[key_table[i].key],
				       key_table[i].def, "key %s",
				       key_table[i].name);

	/* init resets values already changed. */
	KUNIT_ASSERT_EQ(test, store(test, p, ZCIT_KEY_MAXCONNECTIONS, "4"), 0);
	KUNIT_ASSERT_EQ(test, store(test, p, ZCIT_KEY_TARGETALIAS, "x"), 0);
	zcit_params_init(p);
	KUNIT_EXPECT_STREQ(test, p->val[ZCIT_KEY_MAXCONNECTIONS], "1");
	KUNIT_EXPECT_STREQ(test, p->val[ZCIT_KEY_TARGETALIAS], "LIO Target");
}

static void zcit_param_test_key_names(struct kunit *test)
{
	static const char * const unknown[] = {
		"", "authmethod", "AUTHMETHOD", "AuthMethod ", " AuthMethod",
		"AuthMethodX", "AuthMetho", "TargetName", "InitiatorName",
		"SessionType", "SendTargets", "MaxRecvDataSegmentLength\n",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(key_table); i++) {
		const char *name = zcit_key_name(key_table[i].key);

		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, name);
		KUNIT_EXPECT_STREQ(test, name, key_table[i].name);
		KUNIT_EXPECT_EQ_MSG(test, zcit_key_lookup(name),
				    (int)key_table[i].key, "key %s", name);
	}
	for (i = 0; i < ARRAY_SIZE(unknown); i++)
		KUNIT_EXPECT_EQ_MSG(test, zcit_key_lookup(unknown[i]), -ENOENT,
				    "name \"%s\"", unknown[i]);
}

struct store_case {
	enum zcit_key key;
	const char *value;
	bool ok;
};

/*
 * Each case starts from the defaults.  An accepted value reads back as
 * written; a rejected one returns -EINVAL and leaves the default.
 */
static void run_store_cases(struct kunit *test, const struct store_case *c,
			    size_t n)
{
	struct zcit_params *p = alloc_params(test);
	size_t i;

	for (i = 0; i < n; i++, c++) {
		const char *name = zcit_key_name(c->key);
		int ret;

		zcit_params_init(p);
		ret = store(test, p, c->key, c->value);
		if (c->ok) {
			KUNIT_EXPECT_EQ_MSG(test, ret, 0, "%s=\"%s\"", name,
					    c->value);
			KUNIT_EXPECT_STREQ(test, p->val[c->key], c->value);
			KUNIT_EXPECT_EQ_MSG(test,
					    zcit_param_check(c->key, c->value),
					    0, "check %s=\"%s\"", name,
					    c->value);
		} else {
			KUNIT_EXPECT_EQ_MSG(test, ret, -EINVAL, "%s=\"%s\"",
					    name, c->value);
			KUNIT_EXPECT_STREQ_MSG(test, p->val[c->key],
					       key_table[c->key].def,
					       "%s=\"%s\" changed the value",
					       name, c->value);
			KUNIT_EXPECT_NE_MSG(test,
					    zcit_param_check(c->key, c->value),
					    0, "check %s=\"%s\"", name,
					    c->value);
		}
	}
}

static void zcit_param_test_store_numbers(struct kunit *test)
{
	static const struct store_case cases[] = {
		{ ZCIT_KEY_MAXRECVDATASEGMENTLENGTH, "512", true },
		{ ZCIT_KEY_MAXRECVDATASEGMENTLENGTH, "65536", true },
		{ ZCIT_KEY_MAXRECVDATASEGMENTLENGTH, "16777215", true },
		{ ZCIT_KEY_MAXRECVDATASEGMENTLENGTH, "511", false },
		{ ZCIT_KEY_MAXRECVDATASEGMENTLENGTH, "0", false },
		{ ZCIT_KEY_MAXRECVDATASEGMENTLENGTH, "16777216", false },
		{ ZCIT_KEY_MAXRECVDATASEGMENTLENGTH, "4294967296", false },
		{ ZCIT_KEY_MAXRECVDATASEGMENTLENGTH, "99999999999999999999",
		  false },
		{ ZCIT_KEY_MAXRECVDATASEGMENTLENGTH, "-8192", false },
		{ ZCIT_KEY_MAXRECVDATASEGMENTLENGTH, "8192x", false },
		{ ZCIT_KEY_MAXRECVDATASEGMENTLENGTH, "8192 ", false },
		{ ZCIT_KEY_MAXRECVDATASEGMENTLENGTH, " 8192", false },
		{ ZCIT_KEY_MAXRECVDATASEGMENTLENGTH, "81 92", false },
		{ ZCIT_KEY_MAXRECVDATASEGMENTLENGTH, "8192,4096", false },
		{ ZCIT_KEY_MAXRECVDATASEGMENTLENGTH, "x", false },
		{ ZCIT_KEY_MAXRECVDATASEGMENTLENGTH, "", false },
		{ ZCIT_KEY_MAXXMITDATASEGMENTLENGTH, "512", true },
		{ ZCIT_KEY_MAXXMITDATASEGMENTLENGTH, "16777215", true },
		{ ZCIT_KEY_MAXXMITDATASEGMENTLENGTH, "511", false },
		{ ZCIT_KEY_MAXXMITDATASEGMENTLENGTH, "16777216", false },
		{ ZCIT_KEY_MAXBURSTLENGTH, "512", true },
		{ ZCIT_KEY_MAXBURSTLENGTH, "16777215", true },
		{ ZCIT_KEY_MAXBURSTLENGTH, "511", false },
		{ ZCIT_KEY_MAXBURSTLENGTH, "16777216", false },
		{ ZCIT_KEY_FIRSTBURSTLENGTH, "512", true },
		{ ZCIT_KEY_FIRSTBURSTLENGTH, "16777215", true },
		{ ZCIT_KEY_FIRSTBURSTLENGTH, "511", false },
		{ ZCIT_KEY_FIRSTBURSTLENGTH, "16777216", false },
		{ ZCIT_KEY_MAXCONNECTIONS, "1", true },
		{ ZCIT_KEY_MAXCONNECTIONS, "65535", true },
		{ ZCIT_KEY_MAXCONNECTIONS, "0", false },
		{ ZCIT_KEY_MAXCONNECTIONS, "65536", false },
		{ ZCIT_KEY_MAXCONNECTIONS, "-1", false },
		{ ZCIT_KEY_MAXOUTSTANDINGR2T, "1", true },
		{ ZCIT_KEY_MAXOUTSTANDINGR2T, "65535", true },
		{ ZCIT_KEY_MAXOUTSTANDINGR2T, "0", false },
		{ ZCIT_KEY_MAXOUTSTANDINGR2T, "65536", false },
		{ ZCIT_KEY_DEFAULTTIME2WAIT, "0", true },
		{ ZCIT_KEY_DEFAULTTIME2WAIT, "3600", true },
		{ ZCIT_KEY_DEFAULTTIME2WAIT, "3601", false },
		{ ZCIT_KEY_DEFAULTTIME2WAIT, "-1", false },
		{ ZCIT_KEY_DEFAULTTIME2RETAIN, "0", true },
		{ ZCIT_KEY_DEFAULTTIME2RETAIN, "3600", true },
		{ ZCIT_KEY_DEFAULTTIME2RETAIN, "3601", false },
		{ ZCIT_KEY_ERRORRECOVERYLEVEL, "0", true },
		{ ZCIT_KEY_ERRORRECOVERYLEVEL, "1", true },
		{ ZCIT_KEY_ERRORRECOVERYLEVEL, "2", true },
		{ ZCIT_KEY_ERRORRECOVERYLEVEL, "3", false },
		{ ZCIT_KEY_ERRORRECOVERYLEVEL, "-1", false },
		{ ZCIT_KEY_ERRORRECOVERYLEVEL, "Yes", false },
	};

	run_store_cases(test, cases, ARRAY_SIZE(cases));
}

static void zcit_param_test_store_booleans(struct kunit *test)
{
	static const enum zcit_key keys[] = {
		ZCIT_KEY_INITIALR2T, ZCIT_KEY_IMMEDIATEDATA,
		ZCIT_KEY_DATAPDUINORDER, ZCIT_KEY_DATASEQUENCEINORDER,
	};
	static const char * const bad[] = {
		"", "yes", "no", "YES", "Y", "N", "1", "0", "true", "YesNo",
		"Yes,No", "Yes ", " No", "Ye", "Nope",
	};
	struct store_case c;
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		c.key = keys[i];
		c.ok = true;
		c.value = "No";
		run_store_cases(test, &c, 1);
		c.value = "Yes";
		run_store_cases(test, &c, 1);
		c.ok = false;
		for (j = 0; j < ARRAY_SIZE(bad); j++) {
			c.value = bad[j];
			run_store_cases(test, &c, 1);
		}
	}
}

static void zcit_param_test_store_lists(struct kunit *test)
{
	static const struct store_case cases[] = {
		{ ZCIT_KEY_AUTHMETHOD, "CHAP", true },
		{ ZCIT_KEY_AUTHMETHOD, "None", true },
		{ ZCIT_KEY_AUTHMETHOD, "None,CHAP", true },
		{ ZCIT_KEY_AUTHMETHOD, "KRB5", true },
		{ ZCIT_KEY_AUTHMETHOD, "SPKM1,SPKM2", true },
		{ ZCIT_KEY_AUTHMETHOD, "SRP,CHAP", true },
		{ ZCIT_KEY_AUTHMETHOD, "CHAP,KRB5,SPKM1,SPKM2,SRP,None", true },
		{ ZCIT_KEY_AUTHMETHOD, "", false },
		{ ZCIT_KEY_AUTHMETHOD, "chap", false },
		{ ZCIT_KEY_AUTHMETHOD, "none", false },
		{ ZCIT_KEY_AUTHMETHOD, "MD5", false },
		{ ZCIT_KEY_AUTHMETHOD, "CHAP,MD5", false },
		{ ZCIT_KEY_AUTHMETHOD, "CHAP,", false },
		{ ZCIT_KEY_AUTHMETHOD, ",CHAP", false },
		{ ZCIT_KEY_AUTHMETHOD, "CHAP,,None", false },
		{ ZCIT_KEY_AUTHMETHOD, ",", false },
		{ ZCIT_KEY_AUTHMETHOD, "CHAP None", false },
		{ ZCIT_KEY_AUTHMETHOD, "CHAP;None", false },
		{ ZCIT_KEY_AUTHMETHOD, "CHAPS", false },
		{ ZCIT_KEY_AUTHMETHOD, "CHA", false },
		{ ZCIT_KEY_AUTHMETHOD, "CRC32C", false },
		{ ZCIT_KEY_HEADERDIGEST, "CRC32C", true },
		{ ZCIT_KEY_HEADERDIGEST, "None", true },
		{ ZCIT_KEY_HEADERDIGEST, "None,CRC32C", true },
		{ ZCIT_KEY_HEADERDIGEST, "", false },
		{ ZCIT_KEY_HEADERDIGEST, "crc32c", false },
		{ ZCIT_KEY_HEADERDIGEST, "CRC32", false },
		{ ZCIT_KEY_HEADERDIGEST, "CRC32C,", false },
		{ ZCIT_KEY_HEADERDIGEST, "CRC32C,None,", false },
		{ ZCIT_KEY_HEADERDIGEST, "CRC32C,MD5", false },
		{ ZCIT_KEY_HEADERDIGEST, "CHAP", false },
		{ ZCIT_KEY_HEADERDIGEST, "Yes", false },
		{ ZCIT_KEY_DATADIGEST, "CRC32C", true },
		{ ZCIT_KEY_DATADIGEST, "None", true },
		{ ZCIT_KEY_DATADIGEST, "None,CRC32C", true },
		{ ZCIT_KEY_DATADIGEST, "", false },
		{ ZCIT_KEY_DATADIGEST, "CRC32C None", false },
		{ ZCIT_KEY_DATADIGEST, "None,", false },
	};

	run_store_cases(test, cases, ARRAY_SIZE(cases));
}

static void zcit_param_test_store_alias(struct kunit *test)
{
	static const struct store_case cases[] = {
		{ ZCIT_KEY_TARGETALIAS, "x", true },
		{ ZCIT_KEY_TARGETALIAS, "disk array 7 shelf 2", true },
		/* A comma would make it a list-value; LIO refuses it too. */
		{ ZCIT_KEY_TARGETALIAS, "disk array 7, shelf 2", false },
		{ ZCIT_KEY_TARGETALIAS, "a=b:c/d~!@#$%^&*()[]{}", true },
		{ ZCIT_KEY_TARGETALIAS, "", false },
		{ ZCIT_KEY_TARGETALIAS, "tab\there", false },
		{ ZCIT_KEY_TARGETALIAS, "two\nlines", false },
		{ ZCIT_KEY_TARGETALIAS, "bell\a", false },
		{ ZCIT_KEY_TARGETALIAS, "del\x7f", false },
		{ ZCIT_KEY_TARGETALIAS, "\x1b[31mred", false },
	};
	struct zcit_params *p = alloc_params(test);
	char *s;

	run_store_cases(test, cases, ARRAY_SIZE(cases));

	/* RFC 7143 5.1: up to 255 bytes. */
	s = zt_repeat(test, 'a', ZCIT_PARAM_MAX_LEN);
	KUNIT_EXPECT_EQ(test, store(test, p, ZCIT_KEY_TARGETALIAS, s), 0);
	KUNIT_EXPECT_STREQ(test, p->val[ZCIT_KEY_TARGETALIAS], s);
	zcit_params_init(p);
	KUNIT_EXPECT_EQ(test, store_nl(test, p, ZCIT_KEY_TARGETALIAS, s), 0);
	KUNIT_EXPECT_STREQ(test, p->val[ZCIT_KEY_TARGETALIAS], s);

	zcit_params_init(p);
	s = zt_repeat(test, 'a', ZCIT_PARAM_MAX_LEN + 1);
	KUNIT_EXPECT_EQ(test, store(test, p, ZCIT_KEY_TARGETALIAS, s),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, store_nl(test, p, ZCIT_KEY_TARGETALIAS, s),
			-EINVAL);
	KUNIT_EXPECT_NE(test, zcit_param_check(ZCIT_KEY_TARGETALIAS, s), 0);
	KUNIT_EXPECT_STREQ(test, p->val[ZCIT_KEY_TARGETALIAS], "LIO Target");

	s = zt_repeat(test, 'a', 4096);
	KUNIT_EXPECT_EQ(test, store(test, p, ZCIT_KEY_TARGETALIAS, s),
			-EINVAL);
	KUNIT_EXPECT_STREQ(test, p->val[ZCIT_KEY_TARGETALIAS], "LIO Target");
}

/* Over-long values, whatever the key, are rejected without overflowing. */
static void zcit_param_test_store_too_long(struct kunit *test)
{
	struct zcit_params *p = alloc_params(test);
	char *digits = zt_repeat(test, '1', ZCIT_PARAM_MAX_LEN + 1);
	char *big = zt_repeat(test, '0', PAGE_SIZE - 1);
	int key;

	big[0] = '8';
	for (key = 0; key < ZCIT_NR_KEYS; key++) {
		KUNIT_EXPECT_EQ_MSG(test, store(test, p, key, digits), -EINVAL,
				    "%s", zcit_key_name(key));
		KUNIT_EXPECT_EQ_MSG(test, store(test, p, key, big), -EINVAL,
				    "%s", zcit_key_name(key));
		KUNIT_EXPECT_STREQ(test, p->val[key], key_table[key].def);
	}
}

/* configfs writes from echo end in a newline; only one is dropped. */
static void zcit_param_test_store_newline(struct kunit *test)
{
	struct zcit_params *p = alloc_params(test);

	KUNIT_EXPECT_EQ(test, store_nl(test, p, ZCIT_KEY_MAXBURSTLENGTH,
				       "1048576"), 0);
	KUNIT_EXPECT_STREQ(test, p->val[ZCIT_KEY_MAXBURSTLENGTH], "1048576");
	KUNIT_EXPECT_EQ(test, store_nl(test, p, ZCIT_KEY_INITIALR2T, "No"), 0);
	KUNIT_EXPECT_STREQ(test, p->val[ZCIT_KEY_INITIALR2T], "No");
	KUNIT_EXPECT_EQ(test, store_nl(test, p, ZCIT_KEY_AUTHMETHOD, "CHAP"),
			0);
	KUNIT_EXPECT_STREQ(test, p->val[ZCIT_KEY_AUTHMETHOD], "CHAP");
	KUNIT_EXPECT_EQ(test, store_nl(test, p, ZCIT_KEY_TARGETALIAS,
				       "my target"), 0);
	KUNIT_EXPECT_STREQ(test, p->val[ZCIT_KEY_TARGETALIAS], "my target");

	/* A lone newline is an empty value. */
	KUNIT_EXPECT_EQ(test, store(test, p, ZCIT_KEY_TARGETALIAS, "\n"),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, store(test, p, ZCIT_KEY_MAXBURSTLENGTH, "\n"),
			-EINVAL);
	/* Nothing at all. */
	KUNIT_EXPECT_EQ(test, zcit_param_store(p, ZCIT_KEY_INITIALR2T,
					       zt_exact(test, "", 0), 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, store(test, p, ZCIT_KEY_MAXBURSTLENGTH,
				    "4096\n\n"), -EINVAL);
	KUNIT_EXPECT_EQ(test, store(test, p, ZCIT_KEY_INITIALR2T, "Yes\n\n"),
			-EINVAL);
	/* A NUL inside the write is trailing garbage too. */
	KUNIT_EXPECT_EQ(test, zcit_param_store(p, ZCIT_KEY_INITIALR2T,
					       zt_exact(test, "Yes\0x", 5), 5),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, zcit_param_store(p, ZCIT_KEY_MAXBURSTLENGTH,
					       zt_exact(test, "512\0", 4), 4),
			-EINVAL);

	KUNIT_EXPECT_STREQ(test, p->val[ZCIT_KEY_MAXBURSTLENGTH], "1048576");
	KUNIT_EXPECT_STREQ(test, p->val[ZCIT_KEY_INITIALR2T], "No");
	KUNIT_EXPECT_STREQ(test, p->val[ZCIT_KEY_TARGETALIAS], "my target");
}

/* What a show method prints must be accepted by the store method. */
static void zcit_param_test_readback(struct kunit *test)
{
	struct zcit_params *p = alloc_params(test);
	struct zcit_params *q = alloc_params(test);
	int key;

	for (key = 0; key < ZCIT_NR_KEYS; key++) {
		const char *name = zcit_key_name(key);
		char *val = kunit_kmalloc(test, sizeof(p->val[key]), GFP_KERNEL);

		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, val);
		strscpy(val, p->val[key], sizeof(p->val[key]));
		KUNIT_EXPECT_EQ_MSG(test, zcit_param_check(key, val), 0,
				    "%s", name);
		KUNIT_EXPECT_EQ_MSG(test, store(test, q, key, val), 0, "%s",
				    name);
		KUNIT_EXPECT_EQ_MSG(test, store_nl(test, q, key, val), 0,
				    "%s", name);
		KUNIT_EXPECT_STREQ(test, q->val[key], val);
	}

	/* And after changing them. */
	KUNIT_ASSERT_EQ(test, store(test, p, ZCIT_KEY_AUTHMETHOD,
				    "None,CHAP,SRP"), 0);
	KUNIT_ASSERT_EQ(test, store(test, p, ZCIT_KEY_TARGETALIAS, "a b c"),
			0);
	KUNIT_ASSERT_EQ(test, store(test, p, ZCIT_KEY_DEFAULTTIME2WAIT, "0"),
			0);
	for (key = 0; key < ZCIT_NR_KEYS; key++) {
		zcit_params_init(q);
		KUNIT_EXPECT_EQ_MSG(test, store(test, q, key, p->val[key]), 0,
				    "%s", zcit_key_name(key));
		KUNIT_EXPECT_STREQ(test, q->val[key], p->val[key]);
	}
}

static void zcit_param_test_authentication(struct kunit *test)
{
	static const struct {
		const char *before;
		const char *enforced;
	} cases[] = {
		{ "CHAP,None", "CHAP" },
		{ "None,CHAP", "CHAP" },
		{ "CHAP", "CHAP" },
		{ "KRB5,None,SRP", "KRB5,SRP" },
		{ "SRP,CHAP,None", "SRP,CHAP" },
	};
	struct zcit_params *p = alloc_params(test);
	const char *am = p->val[ZCIT_KEY_AUTHMETHOD];
	size_t i;
	int ret;

	KUNIT_EXPECT_EQ(test, zcit_params_set_authentication(p, true), 0);
	KUNIT_EXPECT_STREQ(test, am, "CHAP");
	KUNIT_EXPECT_EQ(test, zcit_params_set_authentication(p, true), 0);
	KUNIT_EXPECT_STREQ(test, am, "CHAP");
	KUNIT_EXPECT_EQ(test, zcit_params_set_authentication(p, false), 0);
	KUNIT_EXPECT_STREQ(test, am, "CHAP,None");
	KUNIT_EXPECT_EQ(test, zcit_params_set_authentication(p, false), 0);
	KUNIT_EXPECT_STREQ(test, am, "CHAP,None");

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		KUNIT_ASSERT_EQ(test, store(test, p, ZCIT_KEY_AUTHMETHOD,
					    cases[i].before), 0);
		KUNIT_EXPECT_EQ_MSG(test, zcit_params_set_authentication(p, true),
				    0, "from %s", cases[i].before);
		KUNIT_EXPECT_STREQ(test, am, cases[i].enforced);
		KUNIT_EXPECT_EQ(test, zcit_param_check(ZCIT_KEY_AUTHMETHOD, am),
				0);
	}

	/* Relaxing keeps the methods and appends None once. */
	KUNIT_ASSERT_EQ(test, store(test, p, ZCIT_KEY_AUTHMETHOD, "SRP,KRB5"),
			0);
	KUNIT_EXPECT_EQ(test, zcit_params_set_authentication(p, false), 0);
	KUNIT_EXPECT_STREQ(test, am, "SRP,KRB5,None");
	KUNIT_EXPECT_EQ(test, zcit_param_check(ZCIT_KEY_AUTHMETHOD, am), 0);
	KUNIT_ASSERT_EQ(test, store(test, p, ZCIT_KEY_AUTHMETHOD, "None,CHAP"),
			0);
	KUNIT_EXPECT_EQ(test, zcit_params_set_authentication(p, false), 0);
	KUNIT_EXPECT_STREQ(test, am, "None,CHAP");

	/* Enforcing must never leave AuthMethod empty or still allow None. */
	KUNIT_ASSERT_EQ(test, store(test, p, ZCIT_KEY_AUTHMETHOD, "None"), 0);
	ret = zcit_params_set_authentication(p, true);
	if (ret)
		KUNIT_EXPECT_STREQ(test, am, "None");
	else
		KUNIT_EXPECT_EQ(test, zcit_param_check(ZCIT_KEY_AUTHMETHOD, am),
				0);
	KUNIT_EXPECT_EQ(test, zcit_params_set_authentication(p, false), 0);
	KUNIT_EXPECT_EQ(test, zcit_param_check(ZCIT_KEY_AUTHMETHOD, am), 0);
	KUNIT_EXPECT_NOT_NULL(test, strstr(am, "None"));
}

struct attr_expect {
	const char *name;
	s32 def;
	s32 min;
	s32 max;
};

/* iscsi_target_mod's defaults and ranges (iscsi_target_core.h TA_*, NA_*). */
static const struct attr_expect tpg_expect[ZCIT_NR_TPG_ATTRS] = {
	[ZCIT_TA_AUTHENTICATION] = { "authentication", 1, 0, 1 },
	[ZCIT_TA_LOGIN_TIMEOUT] = { "login_timeout", 15, 5, 30 },
	[ZCIT_TA_NETIF_TIMEOUT] = { "netif_timeout", 2, 2, 15 },
	[ZCIT_TA_GENERATE_NODE_ACLS] = { "generate_node_acls", 0, 0, 1 },
	[ZCIT_TA_DEFAULT_CMDSN_DEPTH] = { "default_cmdsn_depth", 64, 1, 512 },
	[ZCIT_TA_CACHE_DYNAMIC_ACLS] = { "cache_dynamic_acls", 0, 0, 1 },
	[ZCIT_TA_DEMO_MODE_WRITE_PROTECT] = { "demo_mode_write_protect",
					      1, 0, 1 },
	[ZCIT_TA_PROD_MODE_WRITE_PROTECT] = { "prod_mode_write_protect",
					      0, 0, 1 },
	[ZCIT_TA_DEMO_MODE_DISCOVERY] = { "demo_mode_discovery", 1, 0, 1 },
	[ZCIT_TA_DEFAULT_ERL] = { "default_erl", 0, 0, 2 },
	[ZCIT_TA_T10_PI] = { "t10_pi", 0, 0, 1 },
	[ZCIT_TA_FABRIC_PROT_TYPE] = { "fabric_prot_type", 0, 0, 3 },
	[ZCIT_TA_TPG_ENABLED_SENDTARGETS] = { "tpg_enabled_sendtargets",
					      1, 0, 1 },
	[ZCIT_TA_LOGIN_KEYS_WORKAROUND] = { "login_keys_workaround",
					    1, 0, 1 },
};

static const struct attr_expect nacl_expect[ZCIT_NR_NACL_ATTRS] = {
	[ZCIT_NA_DATAOUT_TIMEOUT] = { "dataout_timeout", 3, 2, 60 },
	[ZCIT_NA_DATAOUT_TIMEOUT_RETRIES] = { "dataout_timeout_retries",
					      5, 1, 15 },
	[ZCIT_NA_DEFAULT_ERL] = { "default_erl", 0, 0, 2 },
	[ZCIT_NA_NOPIN_TIMEOUT] = { "nopin_timeout", 15, 3, 60 },
	[ZCIT_NA_NOPIN_RESPONSE_TIMEOUT] = { "nopin_response_timeout",
					     30, 3, 60 },
	[ZCIT_NA_RANDOM_DATAIN_PDU_OFFSETS] = { "random_datain_pdu_offsets",
						0, 0, 1 },
	[ZCIT_NA_RANDOM_DATAIN_SEQ_OFFSETS] = { "random_datain_seq_offsets",
						0, 0, 1 },
	[ZCIT_NA_RANDOM_R2T_OFFSETS] = { "random_r2t_offsets", 0, 0, 1 },
	[ZCIT_NA_AUTHENTICATION] = { "authentication", -1, -1, 1 },
};

/* Parse the decimal text of @v as configfs would pass it (NUL-terminated). */
static int attr_parse_num(struct kunit *test, const struct zcit_attr_desc *d,
			  s32 v, bool newline, s32 *out)
{
	char text[16];
	int len = snprintf(text, sizeof(text), "%d%s", v, newline ? "\n" : "");

	return zcit_attr_parse(d, zt_exact(test, text, len + 1), out);
}

static void check_attr_table(struct kunit *test,
			     const struct zcit_attr_desc *d,
			     const struct attr_expect *e, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++, d++, e++) {
		s32 out;

		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, d->name);
		KUNIT_EXPECT_STREQ(test, d->name, e->name);
		KUNIT_EXPECT_EQ_MSG(test, d->def, e->def, "%s default", e->name);

		/* The default itself, then both ends of the range. */
		out = S32_MIN;
		KUNIT_EXPECT_EQ_MSG(test, attr_parse_num(test, d, e->def, false,
							 &out), 0,
				    "%s=%d", e->name, e->def);
		KUNIT_EXPECT_EQ(test, out, e->def);
		out = S32_MIN;
		KUNIT_EXPECT_EQ_MSG(test, attr_parse_num(test, d, e->min, true,
							 &out), 0,
				    "%s=%d", e->name, e->min);
		KUNIT_EXPECT_EQ(test, out, e->min);
		out = S32_MIN;
		KUNIT_EXPECT_EQ_MSG(test, attr_parse_num(test, d, e->max, true,
							 &out), 0,
				    "%s=%d", e->name, e->max);
		KUNIT_EXPECT_EQ(test, out, e->max);

		/* Just outside it; @out is left alone. */
		out = 12345;
		KUNIT_EXPECT_NE_MSG(test, attr_parse_num(test, d, e->min - 1,
							 false, &out), 0,
				    "%s=%d", e->name, e->min - 1);
		KUNIT_EXPECT_NE_MSG(test, attr_parse_num(test, d, e->max + 1,
							 false, &out), 0,
				    "%s=%d", e->name, e->max + 1);
		KUNIT_EXPECT_NE_MSG(test, attr_parse_num(test, d, S32_MAX,
							 false, &out), 0,
				    "%s=%d", e->name, S32_MAX);
		KUNIT_EXPECT_NE_MSG(test, attr_parse_num(test, d, S32_MIN,
							 false, &out), 0,
				    "%s=%d", e->name, S32_MIN);
		KUNIT_EXPECT_EQ(test, out, 12345);
	}
}

static void zcit_param_test_tpg_attrs(struct kunit *test)
{
	const struct zcit_attr_desc *pt = &zcit_tpg_attrs[ZCIT_TA_FABRIC_PROT_TYPE];
	s32 out;

	check_attr_table(test, zcit_tpg_attrs, tpg_expect,
			 ARRAY_SIZE(tpg_expect));

	KUNIT_EXPECT_EQ(test, zcit_tpg_attrs[ZCIT_TA_DEFAULT_CMDSN_DEPTH].max,
			ZCIT_CMDSN_DEPTH_MAX);

	/* fabric_prot_type: no protection, DIF type 1 or 3; not 2. */
	KUNIT_EXPECT_EQ(test, attr_parse_num(test, pt, 1, true, &out), 0);
	KUNIT_EXPECT_EQ(test, out, 1);
	KUNIT_EXPECT_EQ(test, attr_parse_num(test, pt, 3, true, &out), 0);
	KUNIT_EXPECT_EQ(test, out, 3);
	out = 12345;
	KUNIT_EXPECT_NE(test, attr_parse_num(test, pt, 2, true, &out), 0);
	KUNIT_EXPECT_NE(test, attr_parse_num(test, pt, 4, true, &out), 0);
	KUNIT_EXPECT_NE(test, attr_parse_num(test, pt, -1, true, &out), 0);
	KUNIT_EXPECT_EQ(test, out, 12345);
}

static void zcit_param_test_nacl_attrs(struct kunit *test)
{
	const struct zcit_attr_desc *auth =
		&zcit_nacl_attrs[ZCIT_NA_AUTHENTICATION];
	s32 out;

	check_attr_table(test, zcit_nacl_attrs, nacl_expect,
			 ARRAY_SIZE(nacl_expect));

	/* authentication: inherited from the TPG, off or on. */
	KUNIT_EXPECT_EQ(test, auth->def, ZCIT_NA_AUTH_INHERITED);
	KUNIT_EXPECT_EQ(test, attr_parse_num(test, auth, -1, true, &out), 0);
	KUNIT_EXPECT_EQ(test, out, ZCIT_NA_AUTH_INHERITED);
	KUNIT_EXPECT_EQ(test, attr_parse_num(test, auth, 0, true, &out), 0);
	KUNIT_EXPECT_EQ(test, out, 0);
	KUNIT_EXPECT_EQ(test, attr_parse_num(test, auth, 1, true, &out), 0);
	KUNIT_EXPECT_EQ(test, out, 1);
	out = 12345;
	KUNIT_EXPECT_NE(test, attr_parse_num(test, auth, -2, true, &out), 0);
	KUNIT_EXPECT_NE(test, attr_parse_num(test, auth, 2, true, &out), 0);
	KUNIT_EXPECT_EQ(test, out, 12345);
}

static void zcit_param_test_attr_text(struct kunit *test)
{
	static const char * const bad[] = {
		"", "\n", "abc", "15x", "15 15", "1.5", "--15", "15\n\n",
		"99999999999", "-99999999999", "4294967311",
	};
	const struct zcit_attr_desc *d = &zcit_tpg_attrs[ZCIT_TA_LOGIN_TIMEOUT];
	size_t i;
	s32 out;

	out = 0;
	KUNIT_EXPECT_EQ(test, zcit_attr_parse(d, "20", &out), 0);
	KUNIT_EXPECT_EQ(test, out, 20);
	out = 0;
	KUNIT_EXPECT_EQ(test, zcit_attr_parse(d, "30\n", &out), 0);
	KUNIT_EXPECT_EQ(test, out, 30);

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		out = 12345;
		KUNIT_EXPECT_NE_MSG(test, zcit_attr_parse(d, bad[i], &out), 0,
				    "\"%s\"", bad[i]);
		KUNIT_EXPECT_EQ(test, out, 12345);
	}
}

static struct zcit_auth *alloc_auth(struct kunit *test)
{
	struct zcit_auth *a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, a);
	return a;
}

static int auth_store(struct kunit *test, struct zcit_auth *a,
		      enum zcit_auth_field f, const char *s)
{
	return zcit_auth_store(a, f, zt_exact(test, s, strlen(s)), strlen(s));
}

static void zcit_param_test_auth_store(struct kunit *test)
{
	static const struct {
		enum zcit_auth_field f;
		u32 flag;
	} fields[] = {
		{ ZCIT_AUTH_F_USERID, ZCIT_AUTH_USERID },
		{ ZCIT_AUTH_F_PASSWORD, ZCIT_AUTH_PASSWORD },
		{ ZCIT_AUTH_F_USERID_MUTUAL, ZCIT_AUTH_USERID_MUTUAL },
		{ ZCIT_AUTH_F_PASSWORD_MUTUAL, ZCIT_AUTH_PASSWORD_MUTUAL },
	};
	struct zcit_auth *a = alloc_auth(test);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fields); i++) {
		enum zcit_auth_field f = fields[i].f;
		u32 others;

		KUNIT_EXPECT_STREQ(test, zcit_auth_value(a, f), "");
		KUNIT_EXPECT_EQ(test, a->flags & fields[i].flag, 0U);

		KUNIT_EXPECT_EQ(test, auth_store(test, a, f, "secret one\n"), 0);
		KUNIT_EXPECT_STREQ(test, zcit_auth_value(a, f), "secret one");
		KUNIT_EXPECT_EQ(test, a->flags & fields[i].flag, fields[i].flag);

		KUNIT_EXPECT_EQ(test, auth_store(test, a, f, "iqn.1994-05.com.x"),
				0);
		KUNIT_EXPECT_STREQ(test, zcit_auth_value(a, f),
				   "iqn.1994-05.com.x");
		KUNIT_EXPECT_EQ(test, a->flags & fields[i].flag, fields[i].flag);

		/* "NULL" clears the credential, and only this one. */
		others = a->flags & ~fields[i].flag;
		KUNIT_EXPECT_EQ(test, auth_store(test, a, f, "NULL\n"), 0);
		KUNIT_EXPECT_EQ(test, a->flags & fields[i].flag, 0U);
		KUNIT_EXPECT_EQ(test, a->flags & ~fields[i].flag, others);
		KUNIT_EXPECT_STRNEQ(test, zcit_auth_value(a, f),
				    "iqn.1994-05.com.x");

		KUNIT_EXPECT_EQ(test, auth_store(test, a, f, "again"), 0);
		KUNIT_EXPECT_EQ(test, a->flags & fields[i].flag, fields[i].flag);
	}
	KUNIT_EXPECT_EQ(test, a->flags,
			(u32)(ZCIT_AUTH_USERID | ZCIT_AUTH_PASSWORD |
			      ZCIT_AUTH_USERID_MUTUAL |
			      ZCIT_AUTH_PASSWORD_MUTUAL));
	KUNIT_EXPECT_STREQ(test, a->userid, "again");
	KUNIT_EXPECT_STREQ(test, a->password_mutual, "again");
}

static void zcit_param_test_auth_length(struct kunit *test)
{
	struct zcit_auth *a = alloc_auth(test);
	char *max = zt_repeat(test, 'p', ZCIT_AUTH_NAME_LEN - 1);
	char *max_nl = zt_repeat(test, 'p', ZCIT_AUTH_NAME_LEN);
	char *over = zt_repeat(test, 'q', ZCIT_AUTH_NAME_LEN);
	char *over_nl = zt_repeat(test, 'q', ZCIT_AUTH_NAME_LEN + 1);

	max_nl[ZCIT_AUTH_NAME_LEN - 1] = '\n';
	over_nl[ZCIT_AUTH_NAME_LEN] = '\n';

	/* 255 bytes fit, with or without the newline. */
	KUNIT_EXPECT_EQ(test, auth_store(test, a, ZCIT_AUTH_F_PASSWORD, max),
			0);
	KUNIT_EXPECT_STREQ(test, a->password, max);
	KUNIT_EXPECT_EQ(test, auth_store(test, a, ZCIT_AUTH_F_USERID, max_nl),
			0);
	KUNIT_EXPECT_STREQ(test, a->userid, max);

	/* 256 do not; the old value and flags stay. */
	KUNIT_EXPECT_EQ(test, auth_store(test, a, ZCIT_AUTH_F_PASSWORD, over),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, auth_store(test, a, ZCIT_AUTH_F_PASSWORD,
					 over_nl), -EINVAL);
	KUNIT_EXPECT_STREQ(test, a->password, max);
	KUNIT_EXPECT_EQ(test, a->flags,
			(u32)(ZCIT_AUTH_USERID | ZCIT_AUTH_PASSWORD));

	KUNIT_EXPECT_EQ(test, auth_store(test, a, ZCIT_AUTH_F_USERID_MUTUAL,
					 over), -EINVAL);
	KUNIT_EXPECT_STREQ(test, a->userid_mutual, "");
	KUNIT_EXPECT_EQ(test, a->flags & ZCIT_AUTH_USERID_MUTUAL, 0U);
}

static void zcit_param_test_auth_mutual(struct kunit *test)
{
	struct zcit_auth *a = alloc_auth(test);

	KUNIT_EXPECT_FALSE(test, zcit_auth_mutual(a));
	KUNIT_ASSERT_EQ(test, auth_store(test, a, ZCIT_AUTH_F_USERID, "u"), 0);
	KUNIT_ASSERT_EQ(test, auth_store(test, a, ZCIT_AUTH_F_PASSWORD, "p"), 0);
	KUNIT_EXPECT_FALSE(test, zcit_auth_mutual(a));

	KUNIT_ASSERT_EQ(test, auth_store(test, a, ZCIT_AUTH_F_USERID_MUTUAL,
					 "mu"), 0);
	KUNIT_EXPECT_FALSE(test, zcit_auth_mutual(a));
	KUNIT_ASSERT_EQ(test, auth_store(test, a, ZCIT_AUTH_F_PASSWORD_MUTUAL,
					 "mp"), 0);
	KUNIT_EXPECT_TRUE(test, zcit_auth_mutual(a));

	KUNIT_ASSERT_EQ(test, auth_store(test, a, ZCIT_AUTH_F_USERID_MUTUAL,
					 "NULL"), 0);
	KUNIT_EXPECT_FALSE(test, zcit_auth_mutual(a));
	KUNIT_ASSERT_EQ(test, auth_store(test, a, ZCIT_AUTH_F_USERID_MUTUAL,
					 "mu2\n"), 0);
	KUNIT_EXPECT_TRUE(test, zcit_auth_mutual(a));
	KUNIT_ASSERT_EQ(test, auth_store(test, a, ZCIT_AUTH_F_PASSWORD_MUTUAL,
					 "NULL\n"), 0);
	KUNIT_EXPECT_FALSE(test, zcit_auth_mutual(a));

	/* Mutual credentials alone, without one-way ones. */
	a = alloc_auth(test);
	KUNIT_ASSERT_EQ(test, auth_store(test, a, ZCIT_AUTH_F_PASSWORD_MUTUAL,
					 "mp"), 0);
	KUNIT_EXPECT_FALSE(test, zcit_auth_mutual(a));
	KUNIT_ASSERT_EQ(test, auth_store(test, a, ZCIT_AUTH_F_USERID_MUTUAL,
					 "mu"), 0);
	KUNIT_EXPECT_TRUE(test, zcit_auth_mutual(a));
}

/* nopin_timeout 0 switches NOP-In pings off (LIO takes it); 1 and 2 do not. */
static void zcit_param_test_attr_zero_ok(struct kunit *test)
{
	const struct zcit_attr_desc *d = &zcit_nacl_attrs[ZCIT_NA_NOPIN_TIMEOUT];
	s32 out = -5;

	KUNIT_EXPECT_EQ(test, zcit_attr_parse(d, "0", &out), 0);
	KUNIT_EXPECT_EQ(test, out, 0);
	KUNIT_EXPECT_EQ(test, zcit_attr_parse(d, "1", &out), -EINVAL);
	KUNIT_EXPECT_EQ(test, zcit_attr_parse(d, "2", &out), -EINVAL);
	KUNIT_EXPECT_EQ(test, out, 0);
	/* Other attributes do not take 0 below their minimum. */
	d = &zcit_nacl_attrs[ZCIT_NA_NOPIN_RESPONSE_TIMEOUT];
	KUNIT_EXPECT_EQ(test, zcit_attr_parse(d, "0", &out), -EINVAL);
}

/* "NULL" clears a credential but reads back as written, as in LIO. */
static void zcit_param_test_auth_null_shown(struct kunit *test)
{
	struct zcit_auth *a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, a);
	KUNIT_EXPECT_EQ(test, zcit_auth_store(a, ZCIT_AUTH_F_USERID, "u1\n", 3), 0);
	KUNIT_EXPECT_TRUE(test, a->flags & ZCIT_AUTH_USERID);
	KUNIT_EXPECT_EQ(test, zcit_auth_store(a, ZCIT_AUTH_F_USERID, "NULL", 4), 0);
	KUNIT_EXPECT_FALSE(test, a->flags & ZCIT_AUTH_USERID);
	KUNIT_EXPECT_STREQ(test, zcit_auth_value(a, ZCIT_AUTH_F_USERID), "NULL");
}

/* zcit_param_set(): valid values zcit cannot honour are refused, with why. */
static void zcit_param_test_set_unhonoured(struct kunit *test)
{
	static const struct {
		enum zcit_key key;
		const char *val;
		bool refused;
	} cases[] = {
		{ ZCIT_KEY_ERRORRECOVERYLEVEL, "0", false },
		{ ZCIT_KEY_ERRORRECOVERYLEVEL, "1", true },
		{ ZCIT_KEY_ERRORRECOVERYLEVEL, "2", true },
		{ ZCIT_KEY_DATAPDUINORDER, "Yes", false },
		{ ZCIT_KEY_DATAPDUINORDER, "No", true },
		{ ZCIT_KEY_DATASEQUENCEINORDER, "No", true },
		{ ZCIT_KEY_IFMARKER, "No", false },
		{ ZCIT_KEY_IFMARKER, "Yes", true },
		{ ZCIT_KEY_OFMARKER, "Yes", true },
		{ ZCIT_KEY_IFMARKINT, "Reject", false },
		{ ZCIT_KEY_OFMARKINT, "2048~65535", true },
		{ ZCIT_KEY_AUTHMETHOD, "CHAP,None", false },
		{ ZCIT_KEY_AUTHMETHOD, "None", false },
		{ ZCIT_KEY_AUTHMETHOD, "CHAP", false },
		{ ZCIT_KEY_AUTHMETHOD, "CHAP,SRP", true },
		{ ZCIT_KEY_AUTHMETHOD, "KRB5", true },
		{ ZCIT_KEY_MAXOUTSTANDINGR2T, "4", false },
		{ ZCIT_KEY_DEFAULTTIME2WAIT, "5", false },
	};
	struct zcit_params *p = alloc_params(test);
	const char *why;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *v = cases[i].val;
		int want = 0, ret;

		if (cases[i].refused)
			want = -EINVAL;
		ret = zcit_param_set(p, cases[i].key, zt_exact(test, v, strlen(v)),
				     strlen(v), &why);
		KUNIT_EXPECT_EQ_MSG(test, ret, want, "%s=%s",
				    zcit_key_name(cases[i].key), v);
		KUNIT_EXPECT_EQ_MSG(test, !!why, cases[i].refused, "%s=%s",
				    zcit_key_name(cases[i].key), v);
		if (!cases[i].refused)
			KUNIT_EXPECT_STREQ(test, p->val[cases[i].key], v);
	}
	/* A refused value keeps the old one. */
	KUNIT_EXPECT_STREQ(test, p->val[ZCIT_KEY_ERRORRECOVERYLEVEL], "0");
	KUNIT_EXPECT_STREQ(test, p->val[ZCIT_KEY_DATAPDUINORDER], "Yes");
	/* An invalid value is refused without a "why", as before. */
	KUNIT_EXPECT_EQ(test, zcit_param_set(p, ZCIT_KEY_ERRORRECOVERYLEVEL,
					     "3", 1, &why), -EINVAL);
	KUNIT_EXPECT_NULL(test, why);
	/* One trailing newline, as echo writes. */
	KUNIT_EXPECT_EQ(test, zcit_param_set(p, ZCIT_KEY_IFMARKER, "Yes\n", 4,
					     &why), -EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, why);
	/* zcit_param_store() still takes them (the login engine's tests). */
	KUNIT_EXPECT_EQ(test, store(test, p, ZCIT_KEY_ERRORRECOVERYLEVEL, "2"), 0);
}

/* zcit_attr_unhonoured(): the default is always honoured. */
static void zcit_param_test_attr_unhonoured(struct kunit *test)
{
	const struct zcit_attr_desc *t = zcit_tpg_attrs, *n = zcit_nacl_attrs;
	int a;

	KUNIT_EXPECT_EQ(test, t[ZCIT_TA_DEFAULT_ERL].use, ZCIT_AU_REFUSE);
	KUNIT_EXPECT_EQ(test, n[ZCIT_NA_DEFAULT_ERL].use, ZCIT_AU_REFUSE);
	KUNIT_EXPECT_NOT_NULL(test, zcit_attr_unhonoured(&t[ZCIT_TA_DEFAULT_ERL], 1));
	KUNIT_EXPECT_NULL(test, zcit_attr_unhonoured(&t[ZCIT_TA_DEFAULT_ERL], 0));
	KUNIT_EXPECT_EQ(test, t[ZCIT_TA_T10_PI].use, ZCIT_AU_WARN);
	KUNIT_EXPECT_NOT_NULL(test, zcit_attr_unhonoured(&t[ZCIT_TA_T10_PI], 1));
	KUNIT_EXPECT_NOT_NULL(test,
			      zcit_attr_unhonoured(&t[ZCIT_TA_LOGIN_KEYS_WORKAROUND], 0));
	KUNIT_EXPECT_NOT_NULL(test,
			      zcit_attr_unhonoured(&n[ZCIT_NA_DATAOUT_TIMEOUT_RETRIES], 3));
	KUNIT_EXPECT_NULL(test,
			  zcit_attr_unhonoured(&n[ZCIT_NA_DATAOUT_TIMEOUT_RETRIES], 5));
	KUNIT_EXPECT_NULL(test, zcit_attr_unhonoured(&t[ZCIT_TA_LOGIN_TIMEOUT], 30));
	for (a = 0; a < ZCIT_NR_TPG_ATTRS; a++) {
		KUNIT_EXPECT_NULL(test, zcit_attr_unhonoured(&t[a], t[a].def));
		KUNIT_EXPECT_EQ(test, !!t[a].why, t[a].use != ZCIT_AU_HONOURED);
	}
	for (a = 0; a < ZCIT_NR_NACL_ATTRS; a++) {
		KUNIT_EXPECT_NULL(test, zcit_attr_unhonoured(&n[a], n[a].def));
		KUNIT_EXPECT_EQ(test, !!n[a].why, n[a].use != ZCIT_AU_HONOURED);
	}
}

static struct kunit_case zcit_param_test_cases[] = {
	KUNIT_CASE(zcit_param_test_defaults),
	KUNIT_CASE(zcit_param_test_key_names),
	KUNIT_CASE(zcit_param_test_store_numbers),
	KUNIT_CASE(zcit_param_test_store_booleans),
	KUNIT_CASE(zcit_param_test_store_lists),
	KUNIT_CASE(zcit_param_test_store_alias),
	KUNIT_CASE(zcit_param_test_store_too_long),
	KUNIT_CASE(zcit_param_test_store_newline),
	KUNIT_CASE(zcit_param_test_readback),
	KUNIT_CASE(zcit_param_test_authentication),
	KUNIT_CASE(zcit_param_test_tpg_attrs),
	KUNIT_CASE(zcit_param_test_nacl_attrs),
	KUNIT_CASE(zcit_param_test_attr_text),
	KUNIT_CASE(zcit_param_test_attr_zero_ok),
	KUNIT_CASE(zcit_param_test_auth_null_shown),
	KUNIT_CASE(zcit_param_test_auth_store),
	KUNIT_CASE(zcit_param_test_auth_length),
	KUNIT_CASE(zcit_param_test_auth_mutual),
	KUNIT_CASE(zcit_param_test_set_unhonoured),
	KUNIT_CASE(zcit_param_test_attr_unhonoured),
	{}
};

static struct kunit_suite zcit_param_test_suite = {
	.name = "zcit_param",
	.test_cases = zcit_param_test_cases,
};

kunit_test_suites(&zcit_param_test_suite);

/* The one MODULE_* block of zcit_kunit.ko (kunit/names_test.c has none). */
MODULE_DESCRIPTION("KUnit tests for zcit, the zero-copy iSCSI target fabric");
MODULE_LICENSE("GPL");
