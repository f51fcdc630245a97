// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for zcit's write data bookkeeping, Data-In segmentation and
 * data-path PDU builders (include/zcit/xfer.h, include/zcit/pdu.h).
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <zcit/pdu.h>
#include <zcit/xfer.h>

#define KB 1024U
#define UNSOL 0xffffffffU

static const struct zcit_xfer_params r2t_only = {
	.initial_r2t = true, .immediate_data = false,
	.first_burst = 64 * KB, .max_burst = 256 * KB, .max_r2t = 1,
};

static const struct zcit_xfer_params unsol = {
	.initial_r2t = false, .immediate_data = true,
	.first_burst = 64 * KB, .max_burst = 256 * KB, .max_r2t = 2,
};

/* RFC 7143 4.2.5.2 and 13.10-13.14: what a command may carry unasked. */
static void zcit_xfer_test_init_rules(struct kunit *test)
{
	struct zcit_xfer x;

	/* Immediate data needs ImmediateData=Yes. */
	KUNIT_EXPECT_EQ(test, zcit_xfer_init(&x, &r2t_only, 8 * KB, 512, true,
					     0), -EPROTO);
	/* InitialR2T=Yes: the command's F bit must be set. */
	KUNIT_EXPECT_EQ(test, zcit_xfer_init(&x, &r2t_only, 8 * KB, 0, false,
					     0), -EPROTO);
	/* Immediate data beyond FirstBurstLength or the EDTL. */
	KUNIT_EXPECT_EQ(test, zcit_xfer_init(&x, &unsol, 256 * KB,
					     64 * KB + 4, true, 0), -EPROTO);
	KUNIT_EXPECT_EQ(test, zcit_xfer_init(&x, &unsol, 4 * KB, 8 * KB, true,
					     0), -EPROTO);
	/* All the data as immediate data: nothing more to ask for. */
	KUNIT_ASSERT_EQ(test, zcit_xfer_init(&x, &unsol, 4 * KB, 4 * KB, true,
					     0), 0);
	KUNIT_EXPECT_TRUE(test, zcit_xfer_done(&x));
	KUNIT_EXPECT_FALSE(test, zcit_xfer_r2t_pending(&x));
}

/* InitialR2T=Yes: every byte is asked for, one burst at a time. */
static void zcit_xfer_test_r2t_sequences(struct kunit *test)
{
	u32 edtl = 2 * 256 * KB + 100;
	struct zcit_r2t r2t;
	struct zcit_xfer x;
	u32 off, i;

	KUNIT_ASSERT_EQ(test, zcit_xfer_init(&x, &r2t_only, edtl, 0, true,
					     0x12345678), 0);
	for (i = 0; i < 3; i++) {
		u32 len = i < 2 ? 256 * KB : 100;

		KUNIT_ASSERT_TRUE(test, zcit_xfer_next_r2t(&x, &r2t));
		KUNIT_EXPECT_EQ(test, r2t.offset, i * 256 * KB);
		KUNIT_EXPECT_EQ(test, r2t.len, len);
		KUNIT_EXPECT_EQ(test, r2t.r2tsn, i);
		KUNIT_EXPECT_EQ(test, r2t.ttt, 0x12340000U | i);
		/* MaxOutstandingR2T=1: no second one before the data. */
		KUNIT_EXPECT_FALSE(test, zcit_xfer_next_r2t(&x, &r2t));
		/* Data not asked for yet, or out of order: refused. */
		KUNIT_EXPECT_EQ(test, zcit_xfer_data_out(&x, r2t.ttt, 0,
							 r2t.offset + 512, 512,
							 false), -EPROTO);
		for (off = 0; off < len; off += 64 * KB) {
			u32 n = min(64 * KB, len - off);

			KUNIT_ASSERT_EQ(test,
					zcit_xfer_data_out(&x, r2t.ttt,
							   off / (64 * KB),
							   r2t.offset + off, n,
							   off + n == len), 0);
		}
	}
	KUNIT_EXPECT_TRUE(test, zcit_xfer_done(&x));
	KUNIT_EXPECT_FALSE(test, zcit_xfer_next_r2t(&x, &r2t));
}

/* Each field of a Data-Out that can be wrong is refused. */
static void zcit_xfer_test_bad_data_out(struct kunit *test)
{
	struct zcit_r2t r2t;
	struct zcit_xfer x;

	KUNIT_ASSERT_EQ(test, zcit_xfer_init(&x, &r2t_only, 16 * KB, 0, true,
					     0x10000), 0);
	KUNIT_ASSERT_TRUE(test, zcit_xfer_next_r2t(&x, &r2t));
	/* Unsolicited TTT where an R2T's is due. */
	KUNIT_EXPECT_EQ(test, zcit_xfer_data_out(&x, UNSOL, 0, 0, 8 * KB,
						 false), -EPROTO);
	/* Wrong TTT, wrong DataSN, wrong offset, zero length. */
	KUNIT_EXPECT_EQ(test, zcit_xfer_data_out(&x, r2t.ttt + 1, 0, 0, 8 * KB,
						 false), -EPROTO);
	KUNIT_EXPECT_EQ(test, zcit_xfer_data_out(&x, r2t.ttt, 1, 0, 8 * KB,
						 false), -EPROTO);
	KUNIT_EXPECT_EQ(test, zcit_xfer_data_out(&x, r2t.ttt, 0, 4, 8 * KB,
						 false), -EPROTO);
	KUNIT_EXPECT_EQ(test, zcit_xfer_data_out(&x, r2t.ttt, 0, 0, 0, false),
			-EPROTO);
	/* F before the end of the sequence, or missing at its end. */
	KUNIT_EXPECT_EQ(test, zcit_xfer_data_out(&x, r2t.ttt, 0, 0, 8 * KB,
						 true), -EPROTO);
	KUNIT_EXPECT_EQ(test, zcit_xfer_data_out(&x, r2t.ttt, 0, 0, 16 * KB,
						 false), -EPROTO);
	/* Past the EDTL. */
	KUNIT_EXPECT_EQ(test, zcit_xfer_data_out(&x, r2t.ttt, 0, 0, 16 * KB + 4,
						 true), -EPROTO);
	/* None of that moved anything: the right PDUs still go in. */
	KUNIT_EXPECT_EQ(test, zcit_xfer_data_out(&x, r2t.ttt, 0, 0, 8 * KB,
						 false), 0);
	/* The same DataSN twice. */
	KUNIT_EXPECT_EQ(test, zcit_xfer_data_out(&x, r2t.ttt, 0, 8 * KB, 8 * KB,
						 true), -EPROTO);
	KUNIT_EXPECT_EQ(test, zcit_xfer_data_out(&x, r2t.ttt, 1, 8 * KB, 8 * KB,
						 true), 0);
	KUNIT_EXPECT_TRUE(test, zcit_xfer_done(&x));
	/* Nothing is expected any more. */
	KUNIT_EXPECT_EQ(test, zcit_xfer_data_out(&x, r2t.ttt, 2, 16 * KB, 4,
						 true), -EPROTO);
}

/* InitialR2T=No: immediate data, unsolicited Data-Out, then R2Ts. */
static void zcit_xfer_test_unsolicited(struct kunit *test)
{
	struct zcit_r2t r2t, r2t2;
	struct zcit_xfer x;

	KUNIT_ASSERT_EQ(test, zcit_xfer_init(&x, &unsol, 600 * KB, 8 * KB,
					     false, 0x20000), 0);
	KUNIT_EXPECT_EQ(test, x.unsol_end, 64 * KB);
	/* R2Ts start after the first burst; two may be outstanding. */
	KUNIT_ASSERT_TRUE(test, zcit_xfer_next_r2t(&x, &r2t));
	KUNIT_EXPECT_EQ(test, r2t.offset, 64 * KB);
	KUNIT_EXPECT_EQ(test, r2t.len, 256 * KB);
	KUNIT_ASSERT_TRUE(test, zcit_xfer_next_r2t(&x, &r2t2));
	KUNIT_EXPECT_EQ(test, r2t2.offset, 320 * KB);
	KUNIT_EXPECT_FALSE(test, zcit_xfer_next_r2t(&x, &r2t2));
	/* An R2T's data before the unsolicited data has all come. */
	KUNIT_EXPECT_EQ(test, zcit_xfer_data_out(&x, r2t.ttt, 0, 8 * KB, 8 * KB,
						 false), -EPROTO);
	KUNIT_EXPECT_EQ(test, zcit_xfer_data_out(&x, UNSOL, 0, 8 * KB, 24 * KB,
						 false), 0);
	/* The unsolicited sequence ends with F exactly at FirstBurstLength. */
	KUNIT_EXPECT_EQ(test, zcit_xfer_data_out(&x, UNSOL, 1, 32 * KB, 32 * KB,
						 false), -EPROTO);
	KUNIT_EXPECT_EQ(test, zcit_xfer_data_out(&x, UNSOL, 1, 32 * KB, 32 * KB,
						 true), 0);
	/* More unsolicited data is refused. */
	KUNIT_EXPECT_EQ(test, zcit_xfer_data_out(&x, UNSOL, 0, 64 * KB, 8 * KB,
						 false), -EPROTO);
	/* The first R2T, whose DataSN starts again at 0. */
	KUNIT_EXPECT_EQ(test, zcit_xfer_data_out(&x, r2t.ttt, 0, 64 * KB,
						 256 * KB, true), 0);
	/* Its sequence is complete: the third R2T may go. */
	KUNIT_ASSERT_TRUE(test, zcit_xfer_next_r2t(&x, &r2t));
	KUNIT_EXPECT_EQ(test, r2t.offset, 576 * KB);
	KUNIT_EXPECT_EQ(test, r2t.len, 24 * KB);
	KUNIT_EXPECT_EQ(test, zcit_xfer_data_out(&x, r2t2.ttt, 0, 320 * KB,
						 256 * KB, true), 0);
	KUNIT_EXPECT_EQ(test, zcit_xfer_data_out(&x, r2t.ttt, 0, 576 * KB,
						 24 * KB, true), 0);
	KUNIT_EXPECT_TRUE(test, zcit_xfer_done(&x));
}

/* F on the command: the immediate data is all that comes unasked. */
static void zcit_xfer_test_final_immediate(struct kunit *test)
{
	struct zcit_r2t r2t;
	struct zcit_xfer x;

	KUNIT_ASSERT_EQ(test, zcit_xfer_init(&x, &unsol, 32 * KB, 8 * KB, true,
					     0x30000), 0);
	KUNIT_EXPECT_EQ(test, zcit_xfer_data_out(&x, UNSOL, 0, 8 * KB, 8 * KB,
						 false), -EPROTO);
	KUNIT_ASSERT_TRUE(test, zcit_xfer_next_r2t(&x, &r2t));
	KUNIT_EXPECT_EQ(test, r2t.offset, 8 * KB);
	KUNIT_EXPECT_EQ(test, r2t.len, 24 * KB);
}

/* Data-In PDUs within MaxRecvDataSegmentLength, F at each burst's end. */
/*
 * RFC 7143 11.4.5.1: a CDB that transfers less than the EDTL: R2Ts ask for
 * what the command takes only, and unsolicited data past it still counts.
 */
static void zcit_xfer_test_limit(struct kunit *test)
{
	struct zcit_r2t r2t;
	struct zcit_xfer x;

	/* One 512-byte block of a 10000-byte EDTL, all by R2T. */
	KUNIT_ASSERT_EQ(test, zcit_xfer_init(&x, &r2t_only, 10000, 0, true,
					     0), 0);
	zcit_xfer_limit(&x, 512);
	KUNIT_ASSERT_TRUE(test, zcit_xfer_next_r2t(&x, &r2t));
	KUNIT_EXPECT_EQ(test, r2t.offset, 0U);
	KUNIT_EXPECT_EQ(test, r2t.len, 512U);
	KUNIT_EXPECT_FALSE(test, zcit_xfer_r2t_pending(&x));
	/* The sequence ends where the R2T does: F on the last byte asked. */
	KUNIT_EXPECT_EQ(test, zcit_xfer_data_out(&x, r2t.ttt, 0, 0, 512,
						 false), -EPROTO);
	KUNIT_ASSERT_EQ(test, zcit_xfer_data_out(&x, r2t.ttt, 0, 0, 512,
						 true), 0);
	KUNIT_EXPECT_TRUE(test, zcit_xfer_done(&x));
	KUNIT_EXPECT_FALSE(test, zcit_xfer_next_r2t(&x, &r2t));

	/* Nothing taken (a CDB without data): no R2T, done at once. */
	KUNIT_ASSERT_EQ(test, zcit_xfer_init(&x, &r2t_only, 1U << 31, 0, true,
					     0), 0);
	zcit_xfer_limit(&x, 0);
	KUNIT_EXPECT_FALSE(test, zcit_xfer_r2t_pending(&x));
	KUNIT_EXPECT_TRUE(test, zcit_xfer_done(&x));

	/* Less than the unsolicited part: it all arrives, no R2T. */
	KUNIT_ASSERT_EQ(test, zcit_xfer_init(&x, &unsol, 10000, 8 * KB, false,
					     0), 0);
	zcit_xfer_limit(&x, 512);
	KUNIT_EXPECT_FALSE(test, zcit_xfer_r2t_pending(&x));
	KUNIT_EXPECT_FALSE(test, zcit_xfer_done(&x));
	KUNIT_ASSERT_EQ(test, zcit_xfer_data_out(&x, UNSOL, 0, 8 * KB,
						 10000 - 8 * KB, true), 0);
	KUNIT_EXPECT_TRUE(test, zcit_xfer_done(&x));

	/* More than the EDTL: the EDTL still bounds it. */
	KUNIT_ASSERT_EQ(test, zcit_xfer_init(&x, &r2t_only, 4 * KB, 0, true,
					     0), 0);
	zcit_xfer_limit(&x, 8 * KB);
	KUNIT_ASSERT_TRUE(test, zcit_xfer_next_r2t(&x, &r2t));
	KUNIT_EXPECT_EQ(test, r2t.len, 4 * KB);
}

static void zcit_xfer_test_datain(struct kunit *test)
{
	u32 total = 100 * KB, sent = 0, n = 0, seqs = 0, len;
	bool seq_end;

	while ((len = zcit_datain_next(total, sent, 24 * KB, 64 * KB,
				       &seq_end))) {
		KUNIT_EXPECT_LE(test, len, 24 * KB);
		/* No PDU crosses a burst boundary. */
		KUNIT_EXPECT_EQ(test, sent / (64 * KB),
				(sent + len - 1) / (64 * KB));
		sent += len;
		n++;
		if (seq_end) {
			seqs++;
			KUNIT_EXPECT_TRUE(test, sent == total ||
					  sent % (64 * KB) == 0);
		}
	}
	KUNIT_EXPECT_EQ(test, sent, total);
	KUNIT_EXPECT_EQ(test, seqs, 2U);
	/* 64K in 24+24+16, then 36K in 24+12. */
	KUNIT_EXPECT_EQ(test, n, 5U);
	KUNIT_EXPECT_EQ(test, zcit_datain_next(0, 0, 8 * KB, 64 * KB, &seq_end),
			0U);
}

static void zcit_xfer_test_builders(struct kunit *test)
{
	struct zcit_sn sn = { .statsn = 7, .exp_cmdsn = 10, .max_cmdsn = 73 };
	struct zcit_status st = {
		.status = 0x02, .resid_flags = ISCSI_FLAG_CMD_UNDERFLOW,
		.resid = 512,
	};
	struct scsi_lun lun = { .scsi_lun = { 0, 3 } };
	struct iscsi_scsi_rsp *rsp;
	struct iscsi_data_rsp *din;
	struct iscsi_r2t_rsp *r2t;

	rsp = kunit_kzalloc(test, sizeof(*rsp), GFP_KERNEL);
	din = kunit_kzalloc(test, sizeof(*din), GFP_KERNEL);
	r2t = kunit_kzalloc(test, sizeof(*r2t), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, rsp && din && r2t);

	zcit_build_scsi_rsp(rsp, (__force itt_t)0x11, &st, 3, 20, &sn);
	KUNIT_EXPECT_EQ(test, rsp->opcode, ISCSI_OP_SCSI_CMD_RSP);
	KUNIT_EXPECT_EQ(test, rsp->flags,
			ISCSI_FLAG_CMD_FINAL | ISCSI_FLAG_CMD_UNDERFLOW);
	KUNIT_EXPECT_EQ(test, rsp->cmd_status, 0x02);
	KUNIT_EXPECT_EQ(test, ntoh24(rsp->dlength), 20U);
	KUNIT_EXPECT_EQ(test, be32_to_cpu(rsp->residual_count), 512U);
	KUNIT_EXPECT_EQ(test, be32_to_cpu(rsp->exp_datasn), 3U);
	KUNIT_EXPECT_EQ(test, be32_to_cpu(rsp->statsn), 7U);
	KUNIT_EXPECT_EQ(test, be32_to_cpu(rsp->max_cmdsn), 73U);

	/* Without status: no S bit, StatSN reserved (RFC 7143 11.7.6). */
	zcit_build_data_in(din, (__force itt_t)0x22, &lun, 4, 8192, 4096, false,
			   NULL, &sn);
	KUNIT_EXPECT_EQ(test, din->opcode, ISCSI_OP_SCSI_DATA_IN);
	KUNIT_EXPECT_EQ(test, din->flags, 0);
	KUNIT_EXPECT_EQ(test, (__force u32)din->statsn, 0U);
	KUNIT_EXPECT_EQ(test, be32_to_cpu(din->datasn), 4U);
	KUNIT_EXPECT_EQ(test, be32_to_cpu(din->offset), 8192U);
	KUNIT_EXPECT_EQ(test, be32_to_cpu(din->ttt), ISCSI_RESERVED_TAG);
	KUNIT_EXPECT_EQ(test, din->lun.scsi_lun[1], 3);
	/* With status: F, S and the residual. */
	zcit_build_data_in(din, (__force itt_t)0x22, &lun, 5, 12288, 100, false,
			   &st, &sn);
	KUNIT_EXPECT_EQ(test, din->flags,
			ISCSI_FLAG_CMD_FINAL | ISCSI_FLAG_DATA_STATUS |
			ISCSI_FLAG_DATA_UNDERFLOW);
	KUNIT_EXPECT_EQ(test, be32_to_cpu(din->statsn), 7U);
	KUNIT_EXPECT_EQ(test, be32_to_cpu(din->residual_count), 512U);

	zcit_build_r2t(r2t, (__force itt_t)0x33, &lun, 0x50001, 1, 65536,
		       262144, &sn);
	KUNIT_EXPECT_EQ(test, r2t->opcode, ISCSI_OP_R2T);
	KUNIT_EXPECT_EQ(test, r2t->flags, ISCSI_FLAG_CMD_FINAL);
	KUNIT_EXPECT_EQ(test, be32_to_cpu(r2t->ttt), 0x50001U);
	KUNIT_EXPECT_EQ(test, be32_to_cpu(r2t->r2tsn), 1U);
	KUNIT_EXPECT_EQ(test, be32_to_cpu(r2t->data_offset), 65536U);
	KUNIT_EXPECT_EQ(test, be32_to_cpu(r2t->data_length), 262144U);
}

static struct kunit_case zcit_xfer_cases[] = {
	KUNIT_CASE(zcit_xfer_test_init_rules),
	KUNIT_CASE(zcit_xfer_test_r2t_sequences),
	KUNIT_CASE(zcit_xfer_test_bad_data_out),
	KUNIT_CASE(zcit_xfer_test_unsolicited),
	KUNIT_CASE(zcit_xfer_test_final_immediate),
	KUNIT_CASE(zcit_xfer_test_limit),
	KUNIT_CASE(zcit_xfer_test_datain),
	KUNIT_CASE(zcit_xfer_test_builders),
	{}
};

static struct kunit_suite zcit_xfer_suite = {
	.name = "zcit_xfer",
	.test_cases = zcit_xfer_cases,
};

kunit_test_suite(zcit_xfer_suite);
/* MODULE_LICENSE() and MODULE_DESCRIPTION() are in kunit/param_test.c. */
