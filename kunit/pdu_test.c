// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for zcit's BHS checks, PDU builders and serial-number
 * arithmetic (include/zcit/pdu.h).
 *
 * Every header is allocated at exactly its 48 bytes, so that under KASAN
 * reading or writing past it is a failure.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <zcit/pdu.h>

/* A zeroed 48-byte header, exactly. */
static void *new_hdr(struct kunit *test)
{
	void *h = kunit_kzalloc(test, ZCIT_BHS_LEN, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, h);
	return h;
}

static struct iscsi_hdr *bhs(struct kunit *test, u8 opcode, u8 hlength,
			     u32 dlen)
{
	struct iscsi_hdr *h = new_hdr(test);

	h->opcode = opcode;
	h->hlength = hlength;
	hton24(h->dlength, dlen);
	return h;
}

static void zcit_pdu_test_sizes(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sizeof(struct iscsi_hdr), (size_t)ZCIT_BHS_LEN);
	KUNIT_EXPECT_EQ(test, sizeof(struct iscsi_nopin), (size_t)ZCIT_BHS_LEN);
	KUNIT_EXPECT_EQ(test, sizeof(struct iscsi_logout_rsp),
			(size_t)ZCIT_BHS_LEN);
	KUNIT_EXPECT_EQ(test, sizeof(struct iscsi_text_rsp),
			(size_t)ZCIT_BHS_LEN);
	KUNIT_EXPECT_EQ(test, sizeof(struct iscsi_reject), (size_t)ZCIT_BHS_LEN);
}

static void zcit_pdu_test_pad4(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, zcit_pad4(0), 0u);
	KUNIT_EXPECT_EQ(test, zcit_pad4(1), 3u);
	KUNIT_EXPECT_EQ(test, zcit_pad4(2), 2u);
	KUNIT_EXPECT_EQ(test, zcit_pad4(3), 1u);
	KUNIT_EXPECT_EQ(test, zcit_pad4(4), 0u);
	KUNIT_EXPECT_EQ(test, zcit_pad4(8193), 3u);
	KUNIT_EXPECT_EQ(test, zcit_pad4(ZCIT_DSL_MAX), 1u);
	KUNIT_EXPECT_EQ(test, zcit_pad4(0xffffffff), 1u);
}

/* RFC 7143 11.2.1.2: the opcodes an initiator sends, with or without I. */
static void zcit_pdu_test_bhs_initiator_opcodes(struct kunit *test)
{
	static const u8 ops[] = {
		ISCSI_OP_NOOP_OUT, ISCSI_OP_SCSI_CMD, ISCSI_OP_SCSI_TMFUNC,
		ISCSI_OP_LOGIN, ISCSI_OP_TEXT, ISCSI_OP_SCSI_DATA_OUT,
		ISCSI_OP_LOGOUT, ISCSI_OP_SNACK,
	};
	struct zcit_pdu_lens lens;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		KUNIT_EXPECT_EQ_MSG(test,
				    zcit_bhs_parse(bhs(test, ops[i], 0, 0),
						   8192, &lens), 0,
				    "opcode 0x%02x", ops[i]);
		KUNIT_EXPECT_EQ_MSG(test,
				    zcit_bhs_parse(bhs(test, ops[i] |
						       ISCSI_OP_IMMEDIATE,
						       0, 0), 8192, &lens), 0,
				    "opcode 0x%02x with I", ops[i]);
	}
}

/* Target opcodes, unassigned ones and bit 7 (reserved) are refused. */
static void zcit_pdu_test_bhs_bad_opcodes(struct kunit *test)
{
	static const u8 initiator[] = {
		0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x10,
	};
	struct zcit_pdu_lens lens;
	unsigned int op;
	size_t i;

	for (op = 0; op < 0x40; op++) {
		bool ok = false;

		for (i = 0; i < ARRAY_SIZE(initiator); i++)
			ok |= op == initiator[i];
		if (ok)
			continue;
		KUNIT_EXPECT_EQ_MSG(test,
				    zcit_bhs_parse(bhs(test, op, 0, 0), 8192,
						   &lens), -EBADMSG,
				    "opcode 0x%02x", op);
	}
	/* Bit 7 is reserved: set, even a valid opcode is refused. */
	for (i = 0; i < ARRAY_SIZE(initiator); i++) {
		KUNIT_EXPECT_EQ_MSG(test,
				    zcit_bhs_parse(bhs(test, initiator[i] | 0x80,
						       0, 0), 8192, &lens),
				    -EBADMSG, "opcode 0x%02x", initiator[i] | 0x80);
		KUNIT_EXPECT_EQ(test,
				zcit_bhs_parse(bhs(test, initiator[i] | 0xc0,
						   0, 0), 8192, &lens),
				-EBADMSG);
	}
	/* Responses, with and without bit 6. */
	KUNIT_EXPECT_EQ(test, zcit_bhs_parse(bhs(test, ISCSI_OP_LOGIN_RSP, 0, 0),
					     8192, &lens), -EBADMSG);
	KUNIT_EXPECT_EQ(test, zcit_bhs_parse(bhs(test, ISCSI_OP_REJECT, 0, 0),
					     8192, &lens), -EBADMSG);
	KUNIT_EXPECT_EQ(test, zcit_bhs_parse(bhs(test, ISCSI_OP_NOOP_IN |
						 ISCSI_OP_IMMEDIATE, 0, 0),
					     8192, &lens), -EBADMSG);
}

/* TotalAHSLength counts 4-byte words; DataSegmentLength is 24 bits. */
static void zcit_pdu_test_bhs_lengths(struct kunit *test)
{
	struct zcit_pdu_lens lens;

	KUNIT_ASSERT_EQ(test, zcit_bhs_parse(bhs(test, ISCSI_OP_SCSI_CMD, 0, 0),
					     8192, &lens), 0);
	KUNIT_EXPECT_EQ(test, lens.ahs, 0u);
	KUNIT_EXPECT_EQ(test, lens.data, 0u);
	KUNIT_EXPECT_EQ(test, lens.pad, 0u);

	KUNIT_ASSERT_EQ(test, zcit_bhs_parse(bhs(test, ISCSI_OP_SCSI_CMD, 5, 1),
					     8192, &lens), 0);
	KUNIT_EXPECT_EQ(test, lens.ahs, 20u);
	KUNIT_EXPECT_EQ(test, lens.data, 1u);
	KUNIT_EXPECT_EQ(test, lens.pad, 3u);

	KUNIT_ASSERT_EQ(test, zcit_bhs_parse(bhs(test, ISCSI_OP_SCSI_CMD, 255,
						 4094), 8192, &lens), 0);
	KUNIT_EXPECT_EQ(test, lens.ahs, 1020u);
	KUNIT_EXPECT_EQ(test, lens.data, 4094u);
	KUNIT_EXPECT_EQ(test, lens.pad, 2u);

	/* All three bytes of DataSegmentLength, big-endian. */
	KUNIT_ASSERT_EQ(test, zcit_bhs_parse(bhs(test, ISCSI_OP_SCSI_DATA_OUT,
						 0, 0x010203), ZCIT_DSL_MAX,
					     &lens), 0);
	KUNIT_EXPECT_EQ(test, lens.data, 0x010203u);
	KUNIT_EXPECT_EQ(test, lens.pad, 1u);

	KUNIT_ASSERT_EQ(test, zcit_bhs_parse(bhs(test, ISCSI_OP_SCSI_DATA_OUT,
						 0, ZCIT_DSL_MAX), ZCIT_DSL_MAX,
					     &lens), 0);
	KUNIT_EXPECT_EQ(test, lens.data, (u32)ZCIT_DSL_MAX);
	KUNIT_EXPECT_EQ(test, lens.pad, 1u);
}

/* The data segment may be as long as max_data, not one byte longer. */
static void zcit_pdu_test_bhs_max_data(struct kunit *test)
{
	struct zcit_pdu_lens lens;

	KUNIT_EXPECT_EQ(test, zcit_bhs_parse(bhs(test, ISCSI_OP_SCSI_CMD, 0,
						 8192), 8192, &lens), 0);
	KUNIT_EXPECT_EQ(test, zcit_bhs_parse(bhs(test, ISCSI_OP_SCSI_CMD, 0,
						 8193), 8192, &lens),
			-EMSGSIZE);
	KUNIT_EXPECT_EQ(test, zcit_bhs_parse(bhs(test, ISCSI_OP_LOGIN, 0,
						 ZCIT_DSL_MAX), 8192, &lens),
			-EMSGSIZE);
	/* max_data 0: only empty data segments. */
	KUNIT_EXPECT_EQ(test, zcit_bhs_parse(bhs(test, ISCSI_OP_NOOP_OUT, 0, 0),
					     0, &lens), 0);
	KUNIT_EXPECT_EQ(test, zcit_bhs_parse(bhs(test, ISCSI_OP_NOOP_OUT, 0, 1),
					     0, &lens), -EMSGSIZE);
	/* The AHS does not count against max_data. */
	KUNIT_EXPECT_EQ(test, zcit_bhs_parse(bhs(test, ISCSI_OP_SCSI_CMD, 255,
						 512), 512, &lens), 0);
}

static const struct zcit_sn test_sn = {
	.statsn = 0x11223344,
	.exp_cmdsn = 0xfffffffe,
	.max_cmdsn = 0x0000001d,
};

static void expect_sn(struct kunit *test, __be32 statsn, __be32 exp,
		      __be32 max)
{
	KUNIT_EXPECT_EQ(test, be32_to_cpu(statsn), test_sn.statsn);
	KUNIT_EXPECT_EQ(test, be32_to_cpu(exp), test_sn.exp_cmdsn);
	KUNIT_EXPECT_EQ(test, be32_to_cpu(max), test_sn.max_cmdsn);
}

/* Whether bytes [@from, @to) of @p are all zero. */
static bool all_zero(const void *p, size_t from, size_t to)
{
	const u8 *b = p;

	for (; from < to; from++)
		if (b[from])
			return false;
	return true;
}

/* RFC 7143 11.19: the NOP-In answering a ping echoes ITT and LUN. */
static void zcit_pdu_test_nopin(struct kunit *test)
{
	struct iscsi_nopout *req = new_hdr(test);
	struct iscsi_nopin *rsp = new_hdr(test);

	req->opcode = ISCSI_OP_NOOP_OUT | ISCSI_OP_IMMEDIATE;
	req->flags = ISCSI_FLAG_CMD_FINAL;
	memset(&req->lun, 0xa5, sizeof(req->lun));
	req->itt = (__force itt_t)cpu_to_be32(0x12345678);
	req->ttt = cpu_to_be32(ISCSI_RESERVED_TAG);
	req->cmdsn = cpu_to_be32(7);
	memset(rsp, 0xcc, ZCIT_BHS_LEN);

	zcit_build_nopin(rsp, req, 1000, &test_sn);
	KUNIT_EXPECT_EQ(test, rsp->opcode, ISCSI_OP_NOOP_IN);
	KUNIT_EXPECT_EQ(test, rsp->flags, ISCSI_FLAG_CMD_FINAL);
	KUNIT_EXPECT_EQ(test, ntoh24(rsp->dlength), 1000);
	KUNIT_EXPECT_EQ(test, rsp->rsvd3, 0);
	KUNIT_EXPECT_EQ(test, rsp->rsvd2, 0);
	KUNIT_EXPECT_EQ(test, memcmp(&rsp->lun, &req->lun, sizeof(rsp->lun)), 0);
	KUNIT_EXPECT_EQ(test, (__force u32)rsp->itt, (__force u32)req->itt);
	KUNIT_EXPECT_EQ(test, be32_to_cpu(rsp->ttt), ISCSI_RESERVED_TAG);
	expect_sn(test, rsp->statsn, rsp->exp_cmdsn, rsp->max_cmdsn);
	KUNIT_EXPECT_TRUE(test, all_zero(rsp->rsvd4, 0, sizeof(rsp->rsvd4)));

	zcit_build_nopin(rsp, req, 0, &test_sn);
	KUNIT_EXPECT_EQ(test, ntoh24(rsp->dlength), 0);
	zcit_build_nopin(rsp, req, ZCIT_DSL_MAX, &test_sn);
	KUNIT_EXPECT_EQ(test, ntoh24(rsp->dlength), ZCIT_DSL_MAX);
}

/* RFC 7143 11.9.1: logout request, dropping one or all connections. */
static void zcit_pdu_test_async(struct kunit *test)
{
	struct iscsi_async *a = new_hdr(test);
	const u8 *b = (const u8 *)a;

	memset(a, 0xcc, ZCIT_BHS_LEN);
	zcit_build_async_logout(a, 2, &test_sn);
	KUNIT_EXPECT_EQ(test, a->opcode, ISCSI_OP_ASYNC_EVENT);
	KUNIT_EXPECT_EQ(test, a->flags, ISCSI_FLAG_CMD_FINAL);
	KUNIT_EXPECT_EQ(test, a->async_event, ISCSI_ASYNC_MSG_REQUEST_LOGOUT);
	KUNIT_EXPECT_EQ(test, be16_to_cpu(a->param1), 0);
	KUNIT_EXPECT_EQ(test, be16_to_cpu(a->param2), 0);
	KUNIT_EXPECT_EQ(test, be16_to_cpu(a->param3), 2);
	/* Bytes 16-19, the ITT field: 0xffffffff. */
	KUNIT_EXPECT_EQ(test, b[16] & b[17] & b[18] & b[19], 0xff);
	expect_sn(test, a->statsn, a->exp_cmdsn, a->max_cmdsn);

	memset(a, 0xcc, ZCIT_BHS_LEN);
	zcit_build_async_drop(a, false, 7, 2, 20, &test_sn);
	KUNIT_EXPECT_EQ(test, a->async_event,
			ISCSI_ASYNC_MSG_DROPPING_CONNECTION);
	KUNIT_EXPECT_EQ(test, be16_to_cpu(a->param1), 7);
	KUNIT_EXPECT_EQ(test, be16_to_cpu(a->param2), 2);
	KUNIT_EXPECT_EQ(test, be16_to_cpu(a->param3), 20);
	KUNIT_EXPECT_EQ(test, ntoh24(a->dlength), 0);
	expect_sn(test, a->statsn, a->exp_cmdsn, a->max_cmdsn);

	zcit_build_async_drop(a, true, 7, 5, 0, &test_sn);
	KUNIT_EXPECT_EQ(test, a->async_event,
			ISCSI_ASYNC_MSG_DROPPING_ALL_CONNECTIONS);
	KUNIT_EXPECT_EQ(test, be16_to_cpu(a->param1), 0);
	KUNIT_EXPECT_EQ(test, be16_to_cpu(a->param2), 5);
	KUNIT_EXPECT_EQ(test, be16_to_cpu(a->param3), 0);
	KUNIT_EXPECT_EQ(test, b[16] & b[17] & b[18] & b[19], 0xff);
}

/* RFC 7143 11.15: Logout Response; Time2Wait and Time2Retain 0 at ERL 0. */
static void zcit_pdu_test_logout_rsp(struct kunit *test)
{
	struct iscsi_logout *req = new_hdr(test);
	struct iscsi_logout_rsp *rsp = new_hdr(test);

	req->opcode = ISCSI_OP_LOGOUT | ISCSI_OP_IMMEDIATE;
	req->flags = ISCSI_FLAG_CMD_FINAL | ISCSI_LOGOUT_REASON_CLOSE_SESSION;
	req->itt = (__force itt_t)cpu_to_be32(0xdeadbeef);
	req->cid = cpu_to_be16(3);
	memset(rsp, 0xcc, ZCIT_BHS_LEN);

	zcit_build_logout_rsp(rsp, req, ISCSI_LOGOUT_CID_NOT_FOUND, &test_sn);
	KUNIT_EXPECT_EQ(test, rsp->opcode, ISCSI_OP_LOGOUT_RSP);
	KUNIT_EXPECT_EQ(test, rsp->flags, ISCSI_FLAG_CMD_FINAL);
	KUNIT_EXPECT_EQ(test, rsp->response, ISCSI_LOGOUT_CID_NOT_FOUND);
	KUNIT_EXPECT_EQ(test, rsp->hlength, 0);
	KUNIT_EXPECT_EQ(test, ntoh24(rsp->dlength), 0);
	KUNIT_EXPECT_EQ(test, (__force u32)rsp->itt, (__force u32)req->itt);
	expect_sn(test, rsp->statsn, rsp->exp_cmdsn, rsp->max_cmdsn);
	KUNIT_EXPECT_EQ(test, rsp->t2wait, 0);
	KUNIT_EXPECT_EQ(test, rsp->t2retain, 0);
	KUNIT_EXPECT_EQ(test, rsp->rsvd4, 0);
	KUNIT_EXPECT_EQ(test, rsp->rsvd5, 0);
	KUNIT_EXPECT_EQ(test, rsp->rsvd6, 0);

	zcit_build_logout_rsp(rsp, req, ISCSI_LOGOUT_SUCCESS, &test_sn);
	KUNIT_EXPECT_EQ(test, rsp->response, ISCSI_LOGOUT_SUCCESS);
}

/*
 * RFC 7143 11.11: a final Text Response has F and TTT 0xffffffff; one
 * with more to come has C without F and a real TTT.
 */
static void zcit_pdu_test_text_rsp(struct kunit *test)
{
	struct iscsi_text *req = new_hdr(test);
	struct iscsi_text_rsp *rsp = new_hdr(test);

	req->opcode = ISCSI_OP_TEXT;
	req->flags = ISCSI_FLAG_CMD_FINAL;
	req->itt = (__force itt_t)cpu_to_be32(42);
	req->ttt = cpu_to_be32(ISCSI_RESERVED_TAG);
	memset(rsp, 0xcc, ZCIT_BHS_LEN);

	zcit_build_text_rsp(rsp, req, false, 0x1234, 77, &test_sn);
	KUNIT_EXPECT_EQ(test, rsp->opcode, ISCSI_OP_TEXT_RSP);
	KUNIT_EXPECT_EQ(test, rsp->flags, ISCSI_FLAG_CMD_FINAL);
	KUNIT_EXPECT_EQ(test, ntoh24(rsp->dlength), 77);
	KUNIT_EXPECT_EQ(test, be32_to_cpu((__force __be32)rsp->itt), 42u);
	KUNIT_EXPECT_EQ(test, be32_to_cpu(rsp->ttt), ISCSI_RESERVED_TAG);
	expect_sn(test, rsp->statsn, rsp->exp_cmdsn, rsp->max_cmdsn);
	KUNIT_EXPECT_TRUE(test, all_zero(rsp->rsvd4, 0, sizeof(rsp->rsvd4)));
	KUNIT_EXPECT_TRUE(test, all_zero(rsp->rsvd5, 0, sizeof(rsp->rsvd5)));

	zcit_build_text_rsp(rsp, req, true, 0x1234, 8192, &test_sn);
	KUNIT_EXPECT_EQ(test, rsp->flags, ISCSI_FLAG_TEXT_CONTINUE);
	KUNIT_EXPECT_EQ(test, ntoh24(rsp->dlength), 8192);
	KUNIT_EXPECT_EQ(test, be32_to_cpu(rsp->ttt), 0x1234u);
	KUNIT_EXPECT_EQ(test, be32_to_cpu((__force __be32)rsp->itt), 42u);
}

/* RFC 7143 11.17: the Reject carries the 48-byte header it rejects. */
static void zcit_pdu_test_reject(struct kunit *test)
{
	struct iscsi_reject *rsp = new_hdr(test);

	memset(rsp, 0xcc, ZCIT_BHS_LEN);
	zcit_build_reject(rsp, ISCSI_REASON_PROTOCOL_ERROR, &test_sn);
	KUNIT_EXPECT_EQ(test, rsp->opcode, ISCSI_OP_REJECT);
	KUNIT_EXPECT_EQ(test, rsp->flags, ISCSI_FLAG_CMD_FINAL);
	KUNIT_EXPECT_EQ(test, rsp->reason, ISCSI_REASON_PROTOCOL_ERROR);
	KUNIT_EXPECT_EQ(test, rsp->rsvd2, 0);
	KUNIT_EXPECT_EQ(test, rsp->hlength, 0);
	KUNIT_EXPECT_EQ(test, ntoh24(rsp->dlength), ZCIT_BHS_LEN);
	KUNIT_EXPECT_EQ(test, be32_to_cpu(rsp->ffffffff), ISCSI_RESERVED_TAG);
	expect_sn(test, rsp->statsn, rsp->exp_cmdsn, rsp->max_cmdsn);
	KUNIT_EXPECT_EQ(test, rsp->datasn, 0);
	KUNIT_EXPECT_TRUE(test, all_zero(rsp->rsvd3, 0, sizeof(rsp->rsvd3)));
	KUNIT_EXPECT_TRUE(test, all_zero(rsp->rsvd4, 0, sizeof(rsp->rsvd4)));
	KUNIT_EXPECT_TRUE(test, all_zero(rsp->rsvd5, 0, sizeof(rsp->rsvd5)));

	zcit_build_reject(rsp, ISCSI_REASON_CMD_NOT_SUPPORTED, &test_sn);
	KUNIT_EXPECT_EQ(test, rsp->reason, ISCSI_REASON_CMD_NOT_SUPPORTED);
}

/* RFC 1982 3.2: s1 < s2 iff (s1 < s2 and s2 - s1 < 2^31) or ... */
static void zcit_pdu_test_sn_compare(struct kunit *test)
{
	static const struct {
		u32 a, b;
		bool lt;
	} cases[] = {
		{ 0, 1, true },
		{ 1, 2, true },
		{ 0, 0x7fffffff, true },
		{ 0xffffffff, 0, true },		/* wrap */
		{ 0xfffffff0, 0x10, true },
		{ 0x80000000, 0xffffffff, true },
		{ 0x80000001, 0, true },		/* 2^31 - 1 apart */
		{ 0x7fffffff, 0xfffffffe, true },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		u32 a = cases[i].a, b = cases[i].b;

		KUNIT_EXPECT_TRUE_MSG(test, zcit_sn_lt(a, b), "%#x < %#x", a, b);
		KUNIT_EXPECT_FALSE_MSG(test, zcit_sn_gt(a, b), "%#x > %#x", a, b);
		KUNIT_EXPECT_TRUE_MSG(test, zcit_sn_gt(b, a), "%#x > %#x", b, a);
		KUNIT_EXPECT_FALSE_MSG(test, zcit_sn_lt(b, a), "%#x < %#x", b, a);
	}

	/* Equal: neither. */
	KUNIT_EXPECT_FALSE(test, zcit_sn_lt(5, 5));
	KUNIT_EXPECT_FALSE(test, zcit_sn_gt(5, 5));
	KUNIT_EXPECT_FALSE(test, zcit_sn_lt(0xffffffff, 0xffffffff));
	KUNIT_EXPECT_FALSE(test, zcit_sn_gt(0xffffffff, 0xffffffff));

	/* Exactly 2^31 apart: undefined, so neither, in both orders. */
	KUNIT_EXPECT_FALSE(test, zcit_sn_lt(0, 0x80000000));
	KUNIT_EXPECT_FALSE(test, zcit_sn_gt(0, 0x80000000));
	KUNIT_EXPECT_FALSE(test, zcit_sn_lt(0x80000000, 0));
	KUNIT_EXPECT_FALSE(test, zcit_sn_gt(0x80000000, 0));
	KUNIT_EXPECT_FALSE(test, zcit_sn_lt(0xffffffff, 0x7fffffff));
	KUNIT_EXPECT_FALSE(test, zcit_sn_gt(0xffffffff, 0x7fffffff));
	KUNIT_EXPECT_FALSE(test, zcit_sn_lt(0x12345678, 0x92345678));
	KUNIT_EXPECT_FALSE(test, zcit_sn_gt(0x92345678, 0x12345678));
}

/* RFC 7143 4.2.2.1: ExpCmdSN <= CmdSN <= MaxCmdSN. */
static void zcit_pdu_test_sn_window(struct kunit *test)
{
	/* Ordinary window [10, 20]. */
	KUNIT_EXPECT_FALSE(test, zcit_sn_in_window(9, 10, 20));
	KUNIT_EXPECT_TRUE(test, zcit_sn_in_window(10, 10, 20));
	KUNIT_EXPECT_TRUE(test, zcit_sn_in_window(15, 10, 20));
	KUNIT_EXPECT_TRUE(test, zcit_sn_in_window(20, 10, 20));
	KUNIT_EXPECT_FALSE(test, zcit_sn_in_window(21, 10, 20));
	KUNIT_EXPECT_FALSE(test, zcit_sn_in_window(0x8000000a, 10, 20));

	/* One command. */
	KUNIT_EXPECT_TRUE(test, zcit_sn_in_window(7, 7, 7));
	KUNIT_EXPECT_FALSE(test, zcit_sn_in_window(6, 7, 7));
	KUNIT_EXPECT_FALSE(test, zcit_sn_in_window(8, 7, 7));

	/* Empty window: MaxCmdSN = ExpCmdSN - 1 holds nothing. */
	KUNIT_EXPECT_FALSE(test, zcit_sn_in_window(10, 10, 9));
	KUNIT_EXPECT_FALSE(test, zcit_sn_in_window(9, 10, 9));
	KUNIT_EXPECT_FALSE(test, zcit_sn_in_window(11, 10, 9));
	KUNIT_EXPECT_FALSE(test, zcit_sn_in_window(0, 0, 0xffffffff));
	KUNIT_EXPECT_FALSE(test, zcit_sn_in_window(0xffffffff, 0, 0xffffffff));
	KUNIT_EXPECT_FALSE(test, zcit_sn_in_window(0x80000000, 0, 0xffffffff));

	/* Wrap across 0xffffffff: [0xfffffffe, 2]. */
	KUNIT_EXPECT_FALSE(test, zcit_sn_in_window(0xfffffffd, 0xfffffffe, 2));
	KUNIT_EXPECT_TRUE(test, zcit_sn_in_window(0xfffffffe, 0xfffffffe, 2));
	KUNIT_EXPECT_TRUE(test, zcit_sn_in_window(0xffffffff, 0xfffffffe, 2));
	KUNIT_EXPECT_TRUE(test, zcit_sn_in_window(0, 0xfffffffe, 2));
	KUNIT_EXPECT_TRUE(test, zcit_sn_in_window(2, 0xfffffffe, 2));
	KUNIT_EXPECT_FALSE(test, zcit_sn_in_window(3, 0xfffffffe, 2));

	/* 2^31 commands is the widest window RFC 1982 can order. */
	KUNIT_EXPECT_TRUE(test, zcit_sn_in_window(0, 0, 0x7fffffff));
	KUNIT_EXPECT_TRUE(test, zcit_sn_in_window(0x7fffffff, 0, 0x7fffffff));
	KUNIT_EXPECT_FALSE(test, zcit_sn_in_window(0x80000000, 0, 0x7fffffff));
	KUNIT_EXPECT_FALSE(test, zcit_sn_in_window(0xffffffff, 0, 0x7fffffff));

	/* Wider than 2^31: holds nothing, not even ExpCmdSN. */
	KUNIT_EXPECT_FALSE(test, zcit_sn_in_window(0, 0, 0x80000000));
	KUNIT_EXPECT_FALSE(test, zcit_sn_in_window(1, 0, 0x80000000));
	KUNIT_EXPECT_FALSE(test, zcit_sn_in_window(0x80000000, 0, 0x80000000));
	KUNIT_EXPECT_FALSE(test, zcit_sn_in_window(100, 100, 98));
	KUNIT_EXPECT_FALSE(test, zcit_sn_in_window(0xfffffff0, 0xfffffff0,
						   0x7ffffff0));
}

static void zcit_pdu_test_max_cmdsn(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, zcit_sn_max_cmdsn(1, 1), 1u);
	KUNIT_EXPECT_EQ(test, zcit_sn_max_cmdsn(1, 64), 64u);
	KUNIT_EXPECT_EQ(test, zcit_sn_max_cmdsn(0xffffffff, 1), 0xffffffffu);
	KUNIT_EXPECT_EQ(test, zcit_sn_max_cmdsn(0xffffffff, 2), 0u);
	KUNIT_EXPECT_EQ(test, zcit_sn_max_cmdsn(0xfffffff0, 512), 0x1efu);
	/* The window it makes holds exactly depth numbers. */
	KUNIT_EXPECT_TRUE(test, zcit_sn_in_window(0xfffffff0 + 511, 0xfffffff0,
						  zcit_sn_max_cmdsn(0xfffffff0,
								    512)));
	KUNIT_EXPECT_FALSE(test, zcit_sn_in_window(0xfffffff0 + 512, 0xfffffff0,
						   zcit_sn_max_cmdsn(0xfffffff0,
								     512)));
	KUNIT_EXPECT_TRUE(test,
			  zcit_sn_in_window(0x7ffffffe, 0,
					    zcit_sn_max_cmdsn(0, 0x7fffffff)));
}

static struct kunit_case zcit_pdu_test_cases[] = {
	KUNIT_CASE(zcit_pdu_test_sizes),
	KUNIT_CASE(zcit_pdu_test_pad4),
	KUNIT_CASE(zcit_pdu_test_bhs_initiator_opcodes),
	KUNIT_CASE(zcit_pdu_test_bhs_bad_opcodes),
	KUNIT_CASE(zcit_pdu_test_bhs_lengths),
	KUNIT_CASE(zcit_pdu_test_bhs_max_data),
	KUNIT_CASE(zcit_pdu_test_nopin),
	KUNIT_CASE(zcit_pdu_test_async),
	KUNIT_CASE(zcit_pdu_test_logout_rsp),
	KUNIT_CASE(zcit_pdu_test_text_rsp),
	KUNIT_CASE(zcit_pdu_test_reject),
	KUNIT_CASE(zcit_pdu_test_sn_compare),
	KUNIT_CASE(zcit_pdu_test_sn_window),
	KUNIT_CASE(zcit_pdu_test_max_cmdsn),
	{}
};

static struct kunit_suite zcit_pdu_test_suite = {
	.name = "zcit_pdu",
	.test_cases = zcit_pdu_test_cases,
};

/* MODULE_LICENSE() and MODULE_DESCRIPTION() are in kunit/param_test.c. */
kunit_test_suites(&zcit_pdu_test_suite);
