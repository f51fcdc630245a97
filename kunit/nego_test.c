// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for zcit's negotiation of the RFC 7143 section 13 keys
 * (include/zcit/nego.h).
 *
 * Keys and values are copied into buffers of exactly their size, so that
 * under KASAN reading past their NUL is a failure.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <zcit/nego.h>
#include "test_util.h"

struct nego_ctx {
	struct zcit_params *tpg;
	struct zcit_nego *n;
	struct zcit_text_out out;
	int rc;
};

/* Buffers come from kunit_kmalloc(): a failed assertion leaks nothing. */
static struct nego_ctx *ctx_new(struct kunit *test, bool discovery,
				bool leading, u32 out_cap)
{
	struct nego_ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, c);
	c->tpg = kunit_kzalloc(test, sizeof(*c->tpg), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, c->tpg);
	c->n = kunit_kzalloc(test, sizeof(*c->n), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, c->n);
	c->out.buf = kunit_kmalloc(test, out_cap, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, c->out.buf);
	c->out.cap = out_cap;
	zcit_params_init(c->tpg);
	KUNIT_ASSERT_EQ(test, zcit_nego_init(c->n, c->tpg, discovery, leading),
			0);
	return c;
}

static struct nego_ctx *ctx(struct kunit *test)
{
	return ctx_new(test, false, true, 4096);
}

static void set_tpg(struct kunit *test, struct nego_ctx *c, enum zcit_key k,
		    const char *v)
{
	KUNIT_ASSERT_EQ(test, zcit_param_store(c->tpg, k, v, strlen(v)), 0);
}

/*
 * Bytes [from, out.len) of the response as a string, pairs separated by
 * '|' and the last NUL dropped: "" when nothing was added.
 */
static const char *since(struct kunit *test, struct nego_ctx *c, u32 from)
{
	u32 n = c->out.len - from, i;
	char *s = kunit_kzalloc(test, n + 1, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, s);
	if (!n)
		return s;
	KUNIT_EXPECT_EQ(test, c->out.buf[c->out.len - 1], '\0');
	for (i = 0; i < n - 1; i++)
		s[i] = c->out.buf[from + i] ? c->out.buf[from + i] : '|';
	return s;
}

/* Negotiate one key; the answer, c->rc the return value. */
static const char *key(struct kunit *test, struct nego_ctx *c,
		       const char *k, const char *v)
{
	u32 from = c->out.len;

	c->rc = zcit_nego_key(c->n, zt_dup_str(test, k), zt_dup_str(test, v),
			      &c->out);
	return since(test, c, from);
}

/* Negotiate @k=@v: expect @want as the answer and success. */
static void expect_answer(struct kunit *test, struct nego_ctx *c,
			  const char *k, const char *v, const char *want)
{
	KUNIT_EXPECT_STREQ_MSG(test, key(test, c, k, v), want, "%s=%s", k, v);
	KUNIT_EXPECT_EQ_MSG(test, c->rc, 0, "%s=%s", k, v);
}

/* Negotiate @k=@v: expect no answer and @err. */
static void expect_fail(struct kunit *test, struct nego_ctx *c,
			const char *k, const char *v, int err)
{
	KUNIT_EXPECT_STREQ_MSG(test, key(test, c, k, v), "", "%s=%s", k, v);
	KUNIT_EXPECT_EQ_MSG(test, c->rc, err, "%s=%s", k, v);
}

static void zcit_nego_test_defaults(struct kunit *test)
{
	struct nego_ctx *c = ctx(test);
	const struct zcit_sess_params *r = &c->n->res;

	/* RFC 7143 13.x defaults. */
	KUNIT_EXPECT_FALSE(test, r->header_digest);
	KUNIT_EXPECT_FALSE(test, r->data_digest);
	KUNIT_EXPECT_EQ(test, r->max_connections, 1U);
	KUNIT_EXPECT_TRUE(test, r->initial_r2t);
	KUNIT_EXPECT_TRUE(test, r->immediate_data);
	KUNIT_EXPECT_EQ(test, r->max_recv_dsl, 8192U);
	KUNIT_EXPECT_EQ(test, r->max_xmit_dsl, 8192U);
	KUNIT_EXPECT_EQ(test, r->max_burst, 262144U);
	KUNIT_EXPECT_EQ(test, r->first_burst, 65536U);
	KUNIT_EXPECT_EQ(test, r->time2wait, 2U);
	KUNIT_EXPECT_EQ(test, r->time2retain, 20U);
	KUNIT_EXPECT_EQ(test, r->max_r2t, 1U);
	KUNIT_EXPECT_TRUE(test, r->data_pdu_in_order);
	KUNIT_EXPECT_TRUE(test, r->data_seq_in_order);
	KUNIT_EXPECT_EQ(test, r->erl, 0);
	KUNIT_EXPECT_STREQ(test, r->initiator_alias, "");
	KUNIT_EXPECT_STREQ(test, r->target_alias, "");
	KUNIT_EXPECT_EQ(test, zcit_nego_finish(c->n), 0);
	KUNIT_EXPECT_EQ(test, zcit_nego_init(c->n, NULL, false, true),
			-EINVAL);

	/*
	 * MaxXmitDataSegmentLength never caps what we send (as in
	 * iscsi_target_mod): 8192 until the initiator declares.
	 */
	set_tpg(test, c, ZCIT_KEY_MAXXMITDATASEGMENTLENGTH, "4096");
	KUNIT_ASSERT_EQ(test, zcit_nego_init(c->n, c->tpg, false, true), 0);
	KUNIT_EXPECT_EQ(test, c->n->res.max_xmit_dsl, 8192U);
	KUNIT_EXPECT_EQ(test, c->n->res.max_recv_dsl, 8192U);
}

static void zcit_nego_test_num_parse(struct kunit *test)
{
	u64 v;

	KUNIT_EXPECT_EQ(test, zcit_num_parse("0", 10, &v), 0);
	KUNIT_EXPECT_EQ(test, v, 0ULL);
	KUNIT_EXPECT_EQ(test, zcit_num_parse("8192", U64_MAX, &v), 0);
	KUNIT_EXPECT_EQ(test, v, 8192ULL);
	KUNIT_EXPECT_EQ(test, zcit_num_parse("0x2000", U64_MAX, &v), 0);
	KUNIT_EXPECT_EQ(test, v, 8192ULL);
	KUNIT_EXPECT_EQ(test, zcit_num_parse("0XaBcD", U64_MAX, &v), 0);
	KUNIT_EXPECT_EQ(test, v, 0xabcdULL);
	KUNIT_EXPECT_EQ(test, zcit_num_parse("007", U64_MAX, &v), 0);
	KUNIT_EXPECT_EQ(test, v, 7ULL);
	KUNIT_EXPECT_EQ(test, zcit_num_parse("18446744073709551615", U64_MAX,
					     &v), 0);
	KUNIT_EXPECT_EQ(test, v, U64_MAX);
	KUNIT_EXPECT_EQ(test, zcit_num_parse("0xffffffffffffffff", U64_MAX,
					     &v), 0);
	KUNIT_EXPECT_EQ(test, v, U64_MAX);

	/* Overflow, detected before it wraps. */
	KUNIT_EXPECT_EQ(test, zcit_num_parse("18446744073709551616", U64_MAX,
					     &v), -ERANGE);
	KUNIT_EXPECT_EQ(test, zcit_num_parse("99999999999999999999", U64_MAX,
					     &v), -ERANGE);
	KUNIT_EXPECT_EQ(test, zcit_num_parse("0x10000000000000000", U64_MAX,
					     &v), -ERANGE);
	KUNIT_EXPECT_EQ(test, zcit_num_parse("11", 10, &v), -ERANGE);
	KUNIT_EXPECT_EQ(test, zcit_num_parse("0xb", 10, &v), -ERANGE);

	/* Syntax. */
	KUNIT_EXPECT_EQ(test, zcit_num_parse("", U64_MAX, &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, zcit_num_parse("0x", U64_MAX, &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, zcit_num_parse("0xg", U64_MAX, &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, zcit_num_parse("1a", U64_MAX, &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, zcit_num_parse("-1", U64_MAX, &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, zcit_num_parse("+1", U64_MAX, &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, zcit_num_parse(" 1", U64_MAX, &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, zcit_num_parse("1 ", U64_MAX, &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, zcit_num_parse("0b1", U64_MAX, &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, zcit_num_parse("99999999999999999999x",
					     U64_MAX, &v), -EINVAL);
	KUNIT_EXPECT_EQ(test, zcit_num_parse("99999999999999999999a",
					     U64_MAX, &v), -EINVAL);
}

static void zcit_nego_test_list_select(struct kunit *test)
{
	char out[8];

	KUNIT_EXPECT_EQ(test, zcit_list_select("CRC32C,None", "None,CRC32C",
					       out, sizeof(out)), 0);
	KUNIT_EXPECT_STREQ(test, out, "CRC32C");
	KUNIT_EXPECT_EQ(test, zcit_list_select("KRB5,None", "CHAP,None",
					       out, sizeof(out)), 0);
	KUNIT_EXPECT_STREQ(test, out, "None");
	KUNIT_EXPECT_EQ(test, zcit_list_select("KRB5,SRP", "CHAP,None",
					       out, sizeof(out)), -ENOENT);
	KUNIT_EXPECT_EQ(test, zcit_list_select("", "CHAP,None",
					       out, sizeof(out)), -ENOENT);
	KUNIT_EXPECT_EQ(test, zcit_list_select(",,", "CHAP,None",
					       out, sizeof(out)), -ENOENT);
	/* No prefix matches, no case folding. */
	KUNIT_EXPECT_EQ(test, zcit_list_select("CHA,CHAPS,chap", "CHAP",
					       out, sizeof(out)), -ENOENT);
	KUNIT_EXPECT_EQ(test, zcit_list_select(",None", "None",
					       out, sizeof(out)), 0);
	KUNIT_EXPECT_STREQ(test, out, "None");
	/* "CRC32C" needs 7 bytes. */
	KUNIT_EXPECT_EQ(test, zcit_list_select("CRC32C", "CRC32C", out, 6),
			-ENOSPC);
	KUNIT_EXPECT_EQ(test, zcit_list_select("CRC32C", "CRC32C", out, 7), 0);
}

/* RFC 7143 13.1, 6.2.1 */
static void zcit_nego_test_digest(struct kunit *test)
{
	struct nego_ctx *c = ctx(test);

	expect_answer(test, c, "HeaderDigest", "CRC32C,None",
		      "HeaderDigest=CRC32C");
	KUNIT_EXPECT_TRUE(test, c->n->res.header_digest);
	expect_answer(test, c, "DataDigest", "None,CRC32C", "DataDigest=None");
	KUNIT_EXPECT_FALSE(test, c->n->res.data_digest);

	/* The initiator's order wins over the TPG's. */
	c = ctx(test);
	set_tpg(test, c, ZCIT_KEY_HEADERDIGEST, "None,CRC32C");
	expect_answer(test, c, "HeaderDigest", "CRC32C,None",
		      "HeaderDigest=CRC32C");

	/* Nothing in common. */
	c = ctx(test);
	set_tpg(test, c, ZCIT_KEY_HEADERDIGEST, "CRC32C");
	set_tpg(test, c, ZCIT_KEY_DATADIGEST, "None");
	expect_answer(test, c, "HeaderDigest", "None", "HeaderDigest=Reject");
	KUNIT_EXPECT_FALSE(test, c->n->res.header_digest);
	expect_answer(test, c, "DataDigest", "CRC32C", "DataDigest=Reject");

	c = ctx(test);
	expect_answer(test, c, "HeaderDigest", "crc32c", "HeaderDigest=Reject");
	expect_answer(test, c, "DataDigest", "", "DataDigest=Reject");
	c = ctx(test);
	expect_answer(test, c, "HeaderDigest", "MD5,,None",
		      "HeaderDigest=None");
	expect_answer(test, c, "DataDigest", "Reject", "DataDigest=Reject");
}

/* RFC 7143 6.2.2, 13.10, 13.11, 13.18, 13.19 */
static void zcit_nego_test_bool(struct kunit *test)
{
	struct nego_ctx *c = ctx(test);

	/* OR with the TPG's Yes. */
	expect_answer(test, c, "InitialR2T", "No", "InitialR2T=Yes");
	KUNIT_EXPECT_TRUE(test, c->n->res.initial_r2t);
	expect_answer(test, c, "DataPDUInOrder", "Yes", "DataPDUInOrder=Yes");
	/* AND with the TPG's Yes. */
	expect_answer(test, c, "ImmediateData", "No", "ImmediateData=No");
	KUNIT_EXPECT_FALSE(test, c->n->res.immediate_data);

	c = ctx(test);
	set_tpg(test, c, ZCIT_KEY_INITIALR2T, "No");
	set_tpg(test, c, ZCIT_KEY_IMMEDIATEDATA, "No");
	set_tpg(test, c, ZCIT_KEY_DATASEQUENCEINORDER, "No");
	expect_answer(test, c, "InitialR2T", "No", "InitialR2T=No");
	KUNIT_EXPECT_FALSE(test, c->n->res.initial_r2t);
	expect_answer(test, c, "ImmediateData", "Yes", "ImmediateData=No");
	expect_answer(test, c, "DataSequenceInOrder", "Yes",
		      "DataSequenceInOrder=Yes");
	expect_answer(test, c, "DataPDUInOrder", "No", "DataPDUInOrder=Yes");

	/* In-order data only, whatever param/ says. */
	c = ctx(test);
	set_tpg(test, c, ZCIT_KEY_DATAPDUINORDER, "No");
	set_tpg(test, c, ZCIT_KEY_DATASEQUENCEINORDER, "No");
	expect_answer(test, c, "DataPDUInOrder", "No", "DataPDUInOrder=Yes");
	KUNIT_EXPECT_TRUE(test, c->n->res.data_pdu_in_order);
	expect_answer(test, c, "DataSequenceInOrder", "No",
		      "DataSequenceInOrder=Yes");
	KUNIT_EXPECT_TRUE(test, c->n->res.data_seq_in_order);

	c = ctx(test);
	set_tpg(test, c, ZCIT_KEY_INITIALR2T, "No");
	expect_answer(test, c, "InitialR2T", "yes", "InitialR2T=Reject");
	KUNIT_EXPECT_TRUE(test, c->n->res.initial_r2t);
	expect_answer(test, c, "ImmediateData", "", "ImmediateData=Reject");
	expect_answer(test, c, "DataPDUInOrder", "Yes,No",
		      "DataPDUInOrder=Reject");
	expect_answer(test, c, "DataSequenceInOrder", "Irrelevant",
		      "DataSequenceInOrder=Reject");
}

/* RFC 7143 6.2.2, 13.2, 13.13 to 13.17, 13.20 */
static void zcit_nego_test_numbers(struct kunit *test)
{
	struct nego_ctx *c = ctx(test);
	const struct zcit_sess_params *r = &c->n->res;

	expect_answer(test, c, "MaxBurstLength", "1048576",
		      "MaxBurstLength=262144");
	KUNIT_EXPECT_EQ(test, r->max_burst, 262144U);
	expect_answer(test, c, "FirstBurstLength", "4096",
		      "FirstBurstLength=4096");
	KUNIT_EXPECT_EQ(test, r->first_burst, 4096U);
	expect_answer(test, c, "MaxConnections", "8", "MaxConnections=1");
	expect_answer(test, c, "DefaultTime2Retain", "0",
		      "DefaultTime2Retain=0");
	KUNIT_EXPECT_EQ(test, r->time2retain, 0U);
	expect_answer(test, c, "MaxOutstandingR2T", "0x10",
		      "MaxOutstandingR2T=1");
	expect_answer(test, c, "ErrorRecoveryLevel", "2",
		      "ErrorRecoveryLevel=0");
	/* Maximum. */
	expect_answer(test, c, "DefaultTime2Wait", "0", "DefaultTime2Wait=2");
	KUNIT_EXPECT_EQ(test, r->time2wait, 2U);

	c = ctx(test);
	r = &c->n->res;
	set_tpg(test, c, ZCIT_KEY_MAXCONNECTIONS, "65535");
	set_tpg(test, c, ZCIT_KEY_ERRORRECOVERYLEVEL, "2");
	set_tpg(test, c, ZCIT_KEY_MAXOUTSTANDINGR2T, "64");
	set_tpg(test, c, ZCIT_KEY_MAXBURSTLENGTH, "16777215");
	expect_answer(test, c, "MaxConnections", "65535",
		      "MaxConnections=65535");
	/* ErrorRecoveryLevel 0 only, whatever param/ says. */
	expect_answer(test, c, "ErrorRecoveryLevel", "1",
		      "ErrorRecoveryLevel=0");
	KUNIT_EXPECT_EQ(test, r->erl, 0);
	expect_answer(test, c, "MaxOutstandingR2T", "0X20",
		      "MaxOutstandingR2T=32");
	KUNIT_EXPECT_EQ(test, r->max_r2t, 32U);
	expect_answer(test, c, "MaxBurstLength", "0xffffff",
		      "MaxBurstLength=16777215");
	expect_answer(test, c, "DefaultTime2Wait", "3600",
		      "DefaultTime2Wait=3600");
	KUNIT_EXPECT_EQ(test, r->time2wait, 3600U);
}

/* RFC 7143 6.2.2: out of range or malformed: Reject, default kept. */
static void zcit_nego_test_numbers_reject(struct kunit *test)
{
	static const struct {
		const char *key, *val;
	} bad[] = {
		{ "MaxConnections", "0" },
		{ "MaxConnections", "65536" },
		{ "MaxBurstLength", "511" },
		{ "MaxBurstLength", "16777216" },
		{ "FirstBurstLength", "0x1000000" },
		{ "FirstBurstLength", "" },
		{ "DefaultTime2Wait", "3601" },
		{ "DefaultTime2Retain", "-1" },
		{ "MaxOutstandingR2T", "99999999999999999999" },
		{ "MaxOutstandingR2T", "18446744073709551617" },
		{ "ErrorRecoveryLevel", "3" },
		{ "ErrorRecoveryLevel", "0x" },
		{ "ErrorRecoveryLevel", "Reject" },
		{ "MaxConnections", "1,2" },
		{ "iSCSIProtocolLevel", "32" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct nego_ctx *c = ctx(test);
		char want[64];

		snprintf(want, sizeof(want), "%s=Reject", bad[i].key);
		KUNIT_EXPECT_STREQ_MSG(test,
				       key(test, c, bad[i].key, bad[i].val),
				       want, "case %zu", i);
		KUNIT_EXPECT_EQ(test, c->rc, 0);
		KUNIT_EXPECT_EQ(test, c->n->res.max_connections, 1U);
		KUNIT_EXPECT_EQ(test, c->n->res.max_burst, 262144U);
		KUNIT_EXPECT_EQ(test, c->n->res.first_burst, 65536U);
		KUNIT_EXPECT_EQ(test, c->n->res.time2wait, 2U);
		KUNIT_EXPECT_EQ(test, c->n->res.time2retain, 20U);
		KUNIT_EXPECT_EQ(test, c->n->res.max_r2t, 1U);
		KUNIT_EXPECT_EQ(test, c->n->res.erl, 0);
	}
}

/* RFC 7143 13.12: declared per direction. */
static void zcit_nego_test_mrdsl(struct kunit *test)
{
	struct nego_ctx *c = ctx(test);
	const struct zcit_sess_params *r = &c->n->res;
	u32 from;

	/*
	 * The answer is the target's own declaration: with the default
	 * param/, MaxXmitDataSegmentLength (262144), not
	 * MaxRecvDataSegmentLength (8192), as iscsi_target_mod answers.
	 */
	expect_answer(test, c, "MaxRecvDataSegmentLength", "65536",
		      "MaxRecvDataSegmentLength=262144");
	KUNIT_EXPECT_EQ(test, r->max_xmit_dsl, 65536U);
	KUNIT_EXPECT_EQ(test, r->max_recv_dsl, 262144U);
	KUNIT_EXPECT_TRUE(test, c->n->mrdsl_declared);
	/* Declared once: zcit_nego_declare() adds only TargetAlias. */
	from = c->out.len;
	KUNIT_EXPECT_EQ(test, zcit_nego_declare(c->n, &c->out), 0);
	KUNIT_EXPECT_STREQ(test, since(test, c, from), "TargetAlias=LIO Target");
	KUNIT_EXPECT_STREQ(test, r->target_alias, "LIO Target");
	from = c->out.len;
	KUNIT_EXPECT_EQ(test, zcit_nego_declare(c->n, &c->out), 0);
	KUNIT_EXPECT_STREQ(test, since(test, c, from), "");

	/*
	 * In answer, MaxRecvDataSegmentLength of param/ plays no part;
	 * MaxXmitDataSegmentLength is declared and caps nothing we send.
	 */
	c = ctx(test);
	r = &c->n->res;
	set_tpg(test, c, ZCIT_KEY_MAXRECVDATASEGMENTLENGTH, "65536");
	set_tpg(test, c, ZCIT_KEY_MAXXMITDATASEGMENTLENGTH, "4096");
	expect_answer(test, c, "MaxRecvDataSegmentLength", "16777215",
		      "MaxRecvDataSegmentLength=4096");
	KUNIT_EXPECT_EQ(test, r->max_xmit_dsl, 16777215U);
	KUNIT_EXPECT_EQ(test, r->max_recv_dsl, 4096U);

	/*
	 * Declared first (the initiator's request had none): param/'s
	 * MaxRecvDataSegmentLength, as iscsi_target_mod proposes; the
	 * initiator's later declaration gets no answer.
	 */
	c = ctx(test);
	r = &c->n->res;
	set_tpg(test, c, ZCIT_KEY_TARGETALIAS, "zcit");
	set_tpg(test, c, ZCIT_KEY_MAXRECVDATASEGMENTLENGTH, "65536");
	set_tpg(test, c, ZCIT_KEY_MAXXMITDATASEGMENTLENGTH, "4096");
	KUNIT_EXPECT_EQ(test, zcit_nego_declare(c->n, &c->out), 0);
	KUNIT_EXPECT_STREQ(test, since(test, c, 0),
			   "MaxRecvDataSegmentLength=65536|TargetAlias=zcit");
	expect_answer(test, c, "MaxRecvDataSegmentLength", "512", "");
	KUNIT_EXPECT_EQ(test, r->max_xmit_dsl, 512U);
	KUNIT_EXPECT_EQ(test, r->max_recv_dsl, 65536U);
	/* Declaring it twice is a protocol error. */
	expect_fail(test, c, "MaxRecvDataSegmentLength", "512", -EINVAL);

	/* A declaration cannot be rejected: bad ones fail the login. */
	c = ctx(test);
	expect_fail(test, c, "MaxRecvDataSegmentLength", "511", -EINVAL);
	c = ctx(test);
	expect_fail(test, c, "MaxRecvDataSegmentLength", "16777216", -EINVAL);
	c = ctx(test);
	expect_fail(test, c, "MaxRecvDataSegmentLength", "8k", -EINVAL);
	c = ctx(test);
	expect_fail(test, c, "MaxRecvDataSegmentLength", "", -EINVAL);
	KUNIT_EXPECT_EQ(test, c->n->res.max_xmit_dsl, 8192U);

	/* No TargetAlias when the TPG's is empty. */
	c = ctx(test);
	c->tpg->val[ZCIT_KEY_TARGETALIAS][0] = '\0';
	KUNIT_EXPECT_EQ(test, zcit_nego_declare(c->n, &c->out), 0);
	KUNIT_EXPECT_STREQ(test, since(test, c, 0),
			   "MaxRecvDataSegmentLength=8192");
	KUNIT_EXPECT_STREQ(test, c->n->res.target_alias, "");
}

/* RFC 7143 13.7: declarative, no answer. */
static void zcit_nego_test_initiator_alias(struct kunit *test)
{
	struct nego_ctx *c = ctx(test);

	expect_answer(test, c, "InitiatorAlias", "host1.example", "");
	KUNIT_EXPECT_STREQ(test, c->n->res.initiator_alias, "host1.example");
	expect_fail(test, c, "InitiatorAlias", "again", -EINVAL);
	KUNIT_EXPECT_STREQ(test, c->n->res.initiator_alias, "host1.example");

	c = ctx(test);
	expect_answer(test, c, "InitiatorAlias",
		      zt_repeat(test, 'a', ZCIT_TEXT_VALUE_MAX), "");
	KUNIT_EXPECT_EQ(test, strlen(c->n->res.initiator_alias),
			(size_t)ZCIT_TEXT_VALUE_MAX);
	c = ctx(test);
	expect_answer(test, c, "InitiatorAlias", "", "");
	/* Shown one per line (the ACL's info): no line breaks, no escapes. */
	c = ctx(test);
	expect_answer(test, c, "InitiatorAlias", "a\nSession State: x\r\x1b[2J\xc3\xa9", "");
	KUNIT_EXPECT_STREQ(test, c->n->res.initiator_alias,
			   "a?Session State: x??[2J\xc3\xa9");
	/* Also on a non-leading connection and in discovery ("Use: ALL"). */
	c = ctx_new(test, true, false, 4096);
	expect_answer(test, c, "InitiatorAlias", "x", "");
	KUNIT_EXPECT_STREQ(test, c->n->res.initiator_alias, "x");
}

/* RFC 7143 6.2: a key negotiated twice fails the login. */
static void zcit_nego_test_duplicate(struct kunit *test)
{
	static const char * const keys[][2] = {
		{ "HeaderDigest", "None" },
		{ "DataDigest", "None" },
		{ "MaxConnections", "1" },
		{ "InitialR2T", "Yes" },
		{ "ImmediateData", "Yes" },
		{ "MaxRecvDataSegmentLength", "8192" },
		{ "MaxBurstLength", "512" },
		{ "FirstBurstLength", "512" },
		{ "DefaultTime2Wait", "2" },
		{ "DefaultTime2Retain", "2" },
		{ "MaxOutstandingR2T", "1" },
		{ "DataPDUInOrder", "Yes" },
		{ "DataSequenceInOrder", "Yes" },
		{ "ErrorRecoveryLevel", "0" },
		{ "IFMarker", "No" },
		{ "OFMarker", "No" },
		{ "IFMarkInt", "2048" },
		{ "OFMarkInt", "2048" },
		{ "InitiatorAlias", "a" },
		{ "TaskReporting", "RFC3720" },
		{ "iSCSIProtocolLevel", "1" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		struct nego_ctx *c = ctx(test);

		key(test, c, keys[i][0], keys[i][1]);
		KUNIT_EXPECT_EQ_MSG(test, c->rc, 0, "%s", keys[i][0]);
		/* Even with a bad value the second time. */
		KUNIT_EXPECT_STREQ(test, key(test, c, keys[i][0], "bad"), "");
		KUNIT_EXPECT_EQ_MSG(test, c->rc, -EINVAL, "%s", keys[i][0]);
	}

	/* Irrelevant keys too. */
	for (i = 0; i < 2; i++) {
		struct nego_ctx *c = ctx_new(test, i == 0, i == 0, 4096);

		expect_answer(test, c, "InitialR2T", "Yes",
			      "InitialR2T=Irrelevant");
		expect_fail(test, c, "InitialR2T", "Yes", -EINVAL);
	}

	/* Unknown keys are not tracked: NotUnderstood each time. */
	{
		struct nego_ctx *c = ctx(test);

		expect_answer(test, c, "X-com.example.k", "1",
			      "X-com.example.k=NotUnderstood");
		expect_answer(test, c, "X-com.example.k", "1",
			      "X-com.example.k=NotUnderstood");
	}
}

/* Keys the initiator must not send, and the login layer's keys. */
static void zcit_nego_test_not_ours(struct kunit *test)
{
	static const char * const target_only[] = {
		"TargetAlias", "TargetAddress", "TargetPortalGroupTag",
		"SendTargets",
	};
	static const char * const login[] = {
		"InitiatorName", "TargetName", "SessionType", "AuthMethod",
		"CHAP_A", "CHAP_I", "CHAP_C", "CHAP_N", "CHAP_R",
	};
	struct nego_ctx *c = ctx(test);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(target_only); i++)
		expect_fail(test, c, target_only[i], "All", -EINVAL);
	for (i = 0; i < ARRAY_SIZE(login); i++) {
		expect_fail(test, c, login[i], "None", -ENOENT);
		/* Not tracked here: the login layer checks repeats. */
		expect_fail(test, c, login[i], "None", -ENOENT);
	}
	KUNIT_EXPECT_EQ(test, c->out.len, 0U);
}

/* RFC 7143 6.2, 13.22: NotUnderstood, key echoed exactly. */
static void zcit_nego_test_not_understood(struct kunit *test)
{
	static const char * const keys[] = {
		"X-com.example.Foo", "X#NodeArchitecture", "Bogus",
		"headerdigest", "HeaderDigest_", "MaxXmitDataSegmentLength",
		"CHAP", "X-", "Y",
	};
	struct nego_ctx *c = ctx(test);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		char want[80];

		snprintf(want, sizeof(want), "%s=NotUnderstood", keys[i]);
		expect_answer(test, c, keys[i], "x", want);
	}
	/* A 63-byte unknown key. */
	c = ctx(test);
	key(test, c, zt_repeat(test, 'K', ZCIT_TEXT_KEY_MAX), "v");
	KUNIT_EXPECT_EQ(test, c->rc, 0);
	KUNIT_EXPECT_EQ(test, c->out.len, ZCIT_TEXT_KEY_MAX + 15U);
}

/* RFC 7143 13.25, 13.23; RFC 7144 2.1; RFC 7145 6.3.1 */
static void zcit_nego_test_misc_keys(struct kunit *test)
{
	struct nego_ctx *c = ctx(test);

	expect_answer(test, c, "IFMarker", "Yes", "IFMarker=No");
	expect_answer(test, c, "OFMarker", "No", "OFMarker=No");
	expect_answer(test, c, "IFMarkInt", "2048~8192", "IFMarkInt=Reject");
	expect_answer(test, c, "OFMarkInt", "1", "OFMarkInt=Reject");
	expect_answer(test, c, "TaskReporting", "ResponseFence,RFC3720",
		      "TaskReporting=RFC3720");
	expect_answer(test, c, "iSCSIProtocolLevel", "2",
		      "iSCSIProtocolLevel=1");
	expect_answer(test, c, "RDMAExtensions", "Yes", "RDMAExtensions=No");

	c = ctx(test);
	expect_answer(test, c, "TaskReporting", "FastAbort",
		      "TaskReporting=Reject");
	expect_answer(test, c, "iSCSIProtocolLevel", "0",
		      "iSCSIProtocolLevel=0");
	/* Markers are connection keys: answered on any connection. */
	c = ctx_new(test, true, false, 4096);
	expect_answer(test, c, "OFMarker", "Yes", "OFMarker=No");
	expect_answer(test, c, "IFMarkInt", "2048", "IFMarkInt=Reject");
}

/* RFC 7143 13: "Irrelevant when: SessionType=Discovery". */
static void zcit_nego_test_discovery(struct kunit *test)
{
	static const char * const irrelevant[][2] = {
		{ "MaxConnections", "1" },
		{ "InitialR2T", "No" },
		{ "ImmediateData", "No" },
		{ "MaxBurstLength", "512" },
		{ "FirstBurstLength", "512" },
		{ "MaxOutstandingR2T", "2" },
		{ "DataPDUInOrder", "No" },
		{ "DataSequenceInOrder", "No" },
		{ "TaskReporting", "RFC3720" },
	};
	struct nego_ctx *c = ctx_new(test, true, true, 4096);
	const struct zcit_sess_params *r = &c->n->res;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(irrelevant); i++) {
		char want[64];

		snprintf(want, sizeof(want), "%s=Irrelevant",
			 irrelevant[i][0]);
		expect_answer(test, c, irrelevant[i][0], irrelevant[i][1],
			      want);
	}
	KUNIT_EXPECT_TRUE(test, r->initial_r2t);
	KUNIT_EXPECT_TRUE(test, r->immediate_data);
	KUNIT_EXPECT_EQ(test, r->max_burst, 262144U);
	KUNIT_EXPECT_EQ(test, r->first_burst, 65536U);

	/* What open-iscsi sends in a discovery login is all answered. */
	expect_answer(test, c, "HeaderDigest", "None", "HeaderDigest=None");
	expect_answer(test, c, "DataDigest", "None", "DataDigest=None");
	expect_answer(test, c, "DefaultTime2Wait", "2", "DefaultTime2Wait=2");
	expect_answer(test, c, "DefaultTime2Retain", "0",
		      "DefaultTime2Retain=0");
	expect_answer(test, c, "IFMarker", "No", "IFMarker=No");
	expect_answer(test, c, "OFMarker", "No", "OFMarker=No");
	expect_answer(test, c, "ErrorRecoveryLevel", "0",
		      "ErrorRecoveryLevel=0");
	expect_answer(test, c, "MaxRecvDataSegmentLength", "32768",
		      "MaxRecvDataSegmentLength=262144");
	KUNIT_EXPECT_EQ(test, zcit_nego_finish(c->n), 0);
}

/* RFC 7143 13: "LO" keys only on the leading connection. */
static void zcit_nego_test_non_leading(struct kunit *test)
{
	static const char * const lo[][2] = {
		{ "MaxConnections", "1" },
		{ "InitialR2T", "No" },
		{ "ImmediateData", "No" },
		{ "MaxBurstLength", "512" },
		{ "FirstBurstLength", "512" },
		{ "DefaultTime2Wait", "2" },
		{ "DefaultTime2Retain", "2" },
		{ "MaxOutstandingR2T", "2" },
		{ "DataPDUInOrder", "No" },
		{ "DataSequenceInOrder", "No" },
		{ "ErrorRecoveryLevel", "0" },
		{ "TaskReporting", "RFC3720" },
		{ "iSCSIProtocolLevel", "1" },
	};
	struct nego_ctx *c = ctx_new(test, false, false, 4096);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(lo); i++) {
		char want[64];

		snprintf(want, sizeof(want), "%s=Irrelevant", lo[i][0]);
		expect_answer(test, c, lo[i][0], lo[i][1], want);
	}
	KUNIT_EXPECT_EQ(test, c->n->res.time2retain, 20U);
	/* Connection keys are negotiated on every connection. */
	expect_answer(test, c, "HeaderDigest", "CRC32C", "HeaderDigest=CRC32C");
	expect_answer(test, c, "DataDigest", "CRC32C", "DataDigest=CRC32C");
	expect_answer(test, c, "MaxRecvDataSegmentLength", "4096",
		      "MaxRecvDataSegmentLength=262144");
	KUNIT_EXPECT_EQ(test, c->n->res.max_xmit_dsl, 4096U);
}

/* RFC 7143 13.14: FirstBurstLength <= MaxBurstLength. */
static void zcit_nego_test_finish(struct kunit *test)
{
	struct nego_ctx *c = ctx(test);

	set_tpg(test, c, ZCIT_KEY_MAXBURSTLENGTH, "1048576");
	set_tpg(test, c, ZCIT_KEY_FIRSTBURSTLENGTH, "1048576");
	expect_answer(test, c, "FirstBurstLength", "262144",
		      "FirstBurstLength=262144");
	expect_answer(test, c, "MaxBurstLength", "65536",
		      "MaxBurstLength=65536");
	KUNIT_EXPECT_EQ(test, zcit_nego_finish(c->n), -EINVAL);

	/*
	 * Above the default MaxBurstLength, none proposed: answered within
	 * it (iscsi_target_mod caps FirstBurstLength to MaxBurstLength).
	 */
	c = ctx(test);
	set_tpg(test, c, ZCIT_KEY_MAXBURSTLENGTH, "1048576");
	set_tpg(test, c, ZCIT_KEY_FIRSTBURSTLENGTH, "1048576");
	expect_answer(test, c, "FirstBurstLength", "524288",
		      "FirstBurstLength=262144");
	KUNIT_EXPECT_EQ(test, c->n->res.first_burst, 262144U);
	KUNIT_EXPECT_EQ(test, zcit_nego_finish(c->n), 0);

	/*
	 * FirstBurstLength above the MaxBurstLength the initiator proposed
	 * before it (open-iscsi's and libiscsi's order): answered with the
	 * agreed MaxBurstLength, as iscsi_target_mod does, not a failure.
	 */
	c = ctx(test);
	set_tpg(test, c, ZCIT_KEY_FIRSTBURSTLENGTH, "262144");
	expect_answer(test, c, "MaxBurstLength", "16384",
		      "MaxBurstLength=16384");
	expect_answer(test, c, "FirstBurstLength", "65536",
		      "FirstBurstLength=16384");
	KUNIT_EXPECT_EQ(test, c->n->res.first_burst, 16384U);
	KUNIT_EXPECT_EQ(test, zcit_nego_finish(c->n), 0);

	/* Equal is fine. */
	c = ctx(test);
	expect_answer(test, c, "FirstBurstLength", "65536",
		      "FirstBurstLength=65536");
	expect_answer(test, c, "MaxBurstLength", "65536",
		      "MaxBurstLength=65536");
	KUNIT_EXPECT_EQ(test, zcit_nego_finish(c->n), 0);

	/*
	 * A TPG with FirstBurstLength above its MaxBurstLength answers
	 * within its MaxBurstLength.
	 */
	c = ctx(test);
	set_tpg(test, c, ZCIT_KEY_MAXBURSTLENGTH, "65536");
	set_tpg(test, c, ZCIT_KEY_FIRSTBURSTLENGTH, "262144");
	expect_answer(test, c, "FirstBurstLength", "262144",
		      "FirstBurstLength=65536");
	expect_answer(test, c, "MaxBurstLength", "262144",
		      "MaxBurstLength=65536");
	KUNIT_EXPECT_EQ(test, zcit_nego_finish(c->n), 0);

	/* A TPG requiring digests: None by default is refused. */
	c = ctx(test);
	set_tpg(test, c, ZCIT_KEY_HEADERDIGEST, "CRC32C");
	KUNIT_EXPECT_EQ(test, zcit_nego_finish(c->n), -EINVAL);
	expect_answer(test, c, "HeaderDigest", "CRC32C,None",
		      "HeaderDigest=CRC32C");
	KUNIT_EXPECT_EQ(test, zcit_nego_finish(c->n), 0);
	set_tpg(test, c, ZCIT_KEY_DATADIGEST, "CRC32C");
	expect_answer(test, c, "DataDigest", "None", "DataDigest=Reject");
	KUNIT_EXPECT_EQ(test, zcit_nego_finish(c->n), -EINVAL);
}

static void zcit_nego_test_to_params(struct kunit *test)
{
	struct nego_ctx *c = ctx(test);
	struct zcit_params *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	int k;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
	set_tpg(test, c, ZCIT_KEY_INITIALR2T, "No");
	set_tpg(test, c, ZCIT_KEY_ERRORRECOVERYLEVEL, "1");
	key(test, c, "HeaderDigest", "CRC32C");
	key(test, c, "InitialR2T", "No");
	key(test, c, "ImmediateData", "No");
	key(test, c, "MaxRecvDataSegmentLength", "131072");
	key(test, c, "MaxBurstLength", "0x20000");
	key(test, c, "ErrorRecoveryLevel", "2");
	KUNIT_EXPECT_EQ(test, zcit_nego_declare(c->n, &c->out), 0);
	zcit_nego_to_params(&c->n->res, p);

	KUNIT_EXPECT_STREQ(test, p->val[ZCIT_KEY_AUTHMETHOD], "");
	KUNIT_EXPECT_STREQ(test, p->val[ZCIT_KEY_HEADERDIGEST], "CRC32C");
	KUNIT_EXPECT_STREQ(test, p->val[ZCIT_KEY_DATADIGEST], "None");
	KUNIT_EXPECT_STREQ(test, p->val[ZCIT_KEY_MAXCONNECTIONS], "1");
	KUNIT_EXPECT_STREQ(test, p->val[ZCIT_KEY_TARGETALIAS], "LIO Target");
	KUNIT_EXPECT_STREQ(test, p->val[ZCIT_KEY_INITIALR2T], "No");
	KUNIT_EXPECT_STREQ(test, p->val[ZCIT_KEY_IMMEDIATEDATA], "No");
	KUNIT_EXPECT_STREQ(test, p->val[ZCIT_KEY_MAXRECVDATASEGMENTLENGTH],
			   "262144");
	KUNIT_EXPECT_STREQ(test, p->val[ZCIT_KEY_MAXXMITDATASEGMENTLENGTH],
			   "131072");
	KUNIT_EXPECT_STREQ(test, p->val[ZCIT_KEY_MAXBURSTLENGTH], "131072");
	KUNIT_EXPECT_STREQ(test, p->val[ZCIT_KEY_FIRSTBURSTLENGTH], "65536");
	KUNIT_EXPECT_STREQ(test, p->val[ZCIT_KEY_DEFAULTTIME2WAIT], "2");
	KUNIT_EXPECT_STREQ(test, p->val[ZCIT_KEY_DEFAULTTIME2RETAIN], "20");
	KUNIT_EXPECT_STREQ(test, p->val[ZCIT_KEY_MAXOUTSTANDINGR2T], "1");
	KUNIT_EXPECT_STREQ(test, p->val[ZCIT_KEY_DATAPDUINORDER], "Yes");
	KUNIT_EXPECT_STREQ(test, p->val[ZCIT_KEY_DATASEQUENCEINORDER], "Yes");
	/* param/ said 1, the initiator 2: zcit does level 0 only. */
	KUNIT_EXPECT_STREQ(test, p->val[ZCIT_KEY_ERRORRECOVERYLEVEL], "0");
	KUNIT_EXPECT_STREQ(test, p->val[ZCIT_KEY_IFMARKER], "No");
	KUNIT_EXPECT_STREQ(test, p->val[ZCIT_KEY_OFMARKER], "No");
	KUNIT_EXPECT_STREQ(test, p->val[ZCIT_KEY_IFMARKINT], "Reject");
	KUNIT_EXPECT_STREQ(test, p->val[ZCIT_KEY_OFMARKINT], "Reject");
	/* Except AuthMethod, every value is one param/ would accept. */
	for (k = 1; k < ZCIT_NR_KEYS; k++)
		KUNIT_EXPECT_EQ_MSG(test, zcit_param_check(k, p->val[k]), 0,
				    "%s", zcit_key_name(k));
}

/* A full response must never be partly written. */
static void zcit_nego_test_nospace(struct kunit *test)
{
	struct nego_ctx *c = ctx_new(test, false, true, 16);

	expect_fail(test, c, "MaxRecvDataSegmentLength", "8192", -ENOSPC);
	KUNIT_EXPECT_FALSE(test, c->n->mrdsl_declared);
	KUNIT_EXPECT_EQ(test, zcit_nego_declare(c->n, &c->out), -ENOSPC);
	expect_answer(test, c, "IFMarker", "No", "IFMarker=No");
	expect_fail(test, c, "OFMarker", "No", -ENOSPC);
}

/* Every key with hostile values: an answer or an error, never a crash. */
static void zcit_nego_test_hostile(struct kunit *test)
{
	static const char * const keys[] = {
		"HeaderDigest", "DataDigest", "MaxConnections", "InitialR2T",
		"ImmediateData", "MaxRecvDataSegmentLength", "MaxBurstLength",
		"FirstBurstLength", "DefaultTime2Wait", "DefaultTime2Retain",
		"MaxOutstandingR2T", "DataPDUInOrder", "DataSequenceInOrder",
		"ErrorRecoveryLevel", "IFMarker", "OFMarker", "IFMarkInt",
		"OFMarkInt", "InitiatorAlias", "TaskReporting",
		"iSCSIProtocolLevel", "RDMAExtensions", "X-a", "Unknown",
	};
	static const char * const vals[] = {
		"", ",", ",,,,", "Reject", "Irrelevant", "NotUnderstood",
		"0x", "0x0", "00000000000000000000000000000000001",
		"0xffffffffffffffffffffffff", "\xff\xfe", "None,None,None",
		/* Replaced by 255 bytes of ',', '9' and 'Y' below. */
		",", "9", "Y",
	};
	size_t i, j;
	int d;

	for (d = 0; d < 3; d++)
		for (i = 0; i < ARRAY_SIZE(keys); i++)
			for (j = 0; j < ARRAY_SIZE(vals); j++) {
				struct nego_ctx *c = ctx_new(test, d == 1,
							     d != 2, 512);
				const char *v = vals[j];

				if (j >= ARRAY_SIZE(vals) - 3)
					v = zt_repeat(test, *v, ZCIT_TEXT_VALUE_MAX);
				key(test, c, keys[i], v);
				KUNIT_EXPECT_TRUE_MSG(test, c->rc == 0 ||
						      c->rc == -EINVAL,
						      "%s %zu: %d", keys[i], j,
						      c->rc);
				zcit_nego_finish(c->n);
			}
}

/* What open-iscsi sends in the operational stage, answered whole. */
static void zcit_nego_test_open_iscsi(struct kunit *test)
{
	/* Key, value proposed, value answered. */
	static const char * const kv3[][3] = {
		{ "HeaderDigest", "None", "None" },
		{ "DataDigest", "None", "None" },
		{ "DefaultTime2Wait", "2", "2" },
		{ "DefaultTime2Retain", "0", "0" },
		{ "IFMarker", "No", "No" },
		{ "OFMarker", "No", "No" },
		{ "ErrorRecoveryLevel", "0", "0" },
		{ "InitialR2T", "No", "Yes" },
		{ "ImmediateData", "Yes", "Yes" },
		{ "MaxBurstLength", "16776192", "262144" },
		{ "FirstBurstLength", "262144", "65536" },
		{ "MaxOutstandingR2T", "1", "1" },
		{ "MaxConnections", "1", "1" },
		{ "DataPDUInOrder", "Yes", "Yes" },
		{ "DataSequenceInOrder", "Yes", "Yes" },
		{ "MaxRecvDataSegmentLength", "262144", "262144" },
	};
	struct nego_ctx *c = ctx(test);
	char *want = kunit_kzalloc(test, 1024, GFP_KERNEL);
	struct zcit_text_in t;
	struct zcit_kv kv;
	u32 pos = 0;
	size_t i;
	int ret;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, want);
	KUNIT_ASSERT_EQ(test, zcit_text_in_init(&t, ZCIT_TEXT_PDU_MAX), 0);
	for (i = 0; i < ARRAY_SIZE(kv3); i++) {
		const char *k = kv3[i][0], *v = kv3[i][1];

		zcit_text_in_append(&t, k, strlen(k));
		zcit_text_in_append(&t, "=", 1);
		zcit_text_in_append(&t, v, strlen(v) + 1);
		snprintf(want + strlen(want), 1024 - strlen(want), "%s=%s|",
			 k, kv3[i][2]);
	}
	strlcat(want, "TargetAlias=LIO Target", 1024);

	while ((ret = zcit_text_next(t.buf, t.len, &pos, &kv)) == 1)
		KUNIT_EXPECT_EQ_MSG(test, zcit_nego_key(c->n, kv.key, kv.val,
							&c->out), 0,
				    "%s", kv.key);
	KUNIT_EXPECT_EQ(test, ret, 0);
	zcit_text_in_free(&t);
	KUNIT_EXPECT_EQ(test, zcit_nego_declare(c->n, &c->out), 0);
	KUNIT_EXPECT_EQ(test, zcit_nego_finish(c->n), 0);
	KUNIT_EXPECT_STREQ(test, since(test, c, 0), want);
	KUNIT_EXPECT_EQ(test, c->n->res.max_xmit_dsl, 262144U);
	KUNIT_EXPECT_EQ(test, c->n->res.time2retain, 0U);
}

static struct kunit_case zcit_nego_test_cases[] = {
	KUNIT_CASE(zcit_nego_test_defaults),
	KUNIT_CASE(zcit_nego_test_num_parse),
	KUNIT_CASE(zcit_nego_test_list_select),
	KUNIT_CASE(zcit_nego_test_digest),
	KUNIT_CASE(zcit_nego_test_bool),
	KUNIT_CASE(zcit_nego_test_numbers),
	KUNIT_CASE(zcit_nego_test_numbers_reject),
	KUNIT_CASE(zcit_nego_test_mrdsl),
	KUNIT_CASE(zcit_nego_test_initiator_alias),
	KUNIT_CASE(zcit_nego_test_duplicate),
	KUNIT_CASE(zcit_nego_test_not_ours),
	KUNIT_CASE(zcit_nego_test_not_understood),
	KUNIT_CASE(zcit_nego_test_misc_keys),
	KUNIT_CASE(zcit_nego_test_discovery),
	KUNIT_CASE(zcit_nego_test_non_leading),
	KUNIT_CASE(zcit_nego_test_finish),
	KUNIT_CASE(zcit_nego_test_to_params),
	KUNIT_CASE(zcit_nego_test_nospace),
	KUNIT_CASE(zcit_nego_test_hostile),
	KUNIT_CASE(zcit_nego_test_open_iscsi),
	{}
};

static struct kunit_suite zcit_nego_test_suite = {
	.name = "zcit_nego",
	.test_cases = zcit_nego_test_cases,
};

/* MODULE_LICENSE() and MODULE_DESCRIPTION() are in kunit/param_test.c. */
kunit_test_suites(&zcit_nego_test_suite);
