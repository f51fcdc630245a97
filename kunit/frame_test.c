// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for zcit's PDU framing (include/zcit/pdu.h): the lengths on
 * the wire around a header and a data segment, and the assembly of a CDB
 * from the BHS and an Extended CDB AHS, as the transport's receive path
 * uses them.
 *
 * Every header is allocated at exactly its length (BHS plus AHS), so that
 * under KASAN reading or writing past it is a failure.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <scsi/scsi_proto.h>
#include <zcit/pdu.h>

static void zcit_frame_test_hdr_len(struct kunit *test)
{
	struct zcit_pdu_lens lens = { .ahs = 0 };

	KUNIT_EXPECT_EQ(test, zcit_pdu_hdr_len(&lens, false), 48U);
	KUNIT_EXPECT_EQ(test, zcit_pdu_hdr_len(&lens, true), 52U);
	lens.ahs = 20;
	KUNIT_EXPECT_EQ(test, zcit_pdu_hdr_len(&lens, false), 68U);
	lens.ahs = 255 * 4;
	KUNIT_EXPECT_EQ(test, zcit_pdu_hdr_len(&lens, true), 48U + 1020 + 4);
}

static void zcit_frame_test_tail_len(struct kunit *test)
{
	/* No data segment: no padding and no data digest (RFC 7143 11.2). */
	KUNIT_EXPECT_EQ(test, zcit_pdu_tail_len(0, false), 0U);
	KUNIT_EXPECT_EQ(test, zcit_pdu_tail_len(0, true), 0U);
	KUNIT_EXPECT_EQ(test, zcit_pdu_tail_len(1, false), 3U);
	KUNIT_EXPECT_EQ(test, zcit_pdu_tail_len(2, false), 2U);
	KUNIT_EXPECT_EQ(test, zcit_pdu_tail_len(3, false), 1U);
	KUNIT_EXPECT_EQ(test, zcit_pdu_tail_len(4, false), 0U);
	KUNIT_EXPECT_EQ(test, zcit_pdu_tail_len(5, true), 7U);
	KUNIT_EXPECT_EQ(test, zcit_pdu_tail_len(8192, true), 4U);
}

/* A SCSI Command header with @ahs_len bytes of AHS, exactly. */
static u8 *scsi_hdr(struct kunit *test, u8 opcode, u32 ahs_len)
{
	u8 *h = kunit_kzalloc(test, ZCIT_BHS_LEN + ahs_len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, h);
	h[0] = ISCSI_OP_SCSI_CMD;
	h[4] = ahs_len / 4;
	h[offsetof(struct iscsi_scsi_req, cdb)] = opcode;
	return h;
}

/* An AHS at @off: length @alen (with its reserved byte), of @type. */
static void put_ahs(u8 *h, u32 off, u16 alen, u8 type)
{
	u8 *a = h + ZCIT_BHS_LEN + off;

	a[0] = alen >> 8;
	a[1] = alen & 0xff;
	a[2] = type;
}

static void zcit_frame_test_cdb_plain(struct kunit *test)
{
	u8 *h = scsi_hdr(test, READ_10, 0);

	KUNIT_EXPECT_PTR_EQ(test, zcit_pdu_cdb(h, 0),
			    h + offsetof(struct iscsi_scsi_req, cdb));
	/* Another AHS type is skipped. */
	h = scsi_hdr(test, READ_16, 8);
	put_ahs(h, 0, 5, ISCSI_AHSTYPE_RLENGTH);
	KUNIT_EXPECT_PTR_EQ(test, zcit_pdu_cdb(h, 8),
			    h + offsetof(struct iscsi_scsi_req, cdb));
}

/* RFC 7143 11.3.6: a 32-byte CDB is 16 in the BHS, 16 in the AHS. */
static void zcit_frame_test_cdb_extended(struct kunit *test)
{
	u8 *h = scsi_hdr(test, VARIABLE_LENGTH_CMD, 20);
	u8 *cdb;
	int i;

	h[offsetof(struct iscsi_scsi_req, cdb) + 7] = 24;	/* 32 bytes */
	put_ahs(h, 0, 17, ISCSI_AHSTYPE_CDB);
	for (i = 0; i < 16; i++)
		h[ZCIT_BHS_LEN + 4 + i] = 0xa0 + i;
	cdb = zcit_pdu_cdb(h, 20);
	KUNIT_ASSERT_PTR_EQ(test, cdb, h + offsetof(struct iscsi_scsi_req, cdb));
	/* The rest follows the BHS's 16 bytes, which end the BHS. */
	KUNIT_EXPECT_EQ(test, offsetof(struct iscsi_scsi_req, cdb) + 16,
			(size_t)ZCIT_BHS_LEN);
	for (i = 0; i < 16; i++)
		KUNIT_EXPECT_EQ(test, cdb[16 + i], 0xa0 + i);
}

static void zcit_frame_test_cdb_bad(struct kunit *test)
{
	u8 *h;

	/* A 32-byte CDB with nothing after the BHS. */
	h = scsi_hdr(test, VARIABLE_LENGTH_CMD, 0);
	h[offsetof(struct iscsi_scsi_req, cdb) + 7] = 24;
	KUNIT_EXPECT_NULL(test, zcit_pdu_cdb(h, 0));
	/* ... or with too short an extension. */
	h = scsi_hdr(test, VARIABLE_LENGTH_CMD, 12);
	h[offsetof(struct iscsi_scsi_req, cdb) + 7] = 24;
	put_ahs(h, 0, 9, ISCSI_AHSTYPE_CDB);
	KUNIT_EXPECT_NULL(test, zcit_pdu_cdb(h, 12));
	/* An AHS of length 0. */
	h = scsi_hdr(test, READ_10, 4);
	KUNIT_EXPECT_NULL(test, zcit_pdu_cdb(h, 4));
	/* An AHS longer than the AHS space. */
	h = scsi_hdr(test, READ_10, 8);
	put_ahs(h, 0, 9, ISCSI_AHSTYPE_CDB);
	KUNIT_EXPECT_NULL(test, zcit_pdu_cdb(h, 8));
	/* Two Extended CDB AHS. */
	h = scsi_hdr(test, READ_10, 16);
	put_ahs(h, 0, 5, ISCSI_AHSTYPE_CDB);
	put_ahs(h, 8, 5, ISCSI_AHSTYPE_CDB);
	KUNIT_EXPECT_NULL(test, zcit_pdu_cdb(h, 16));
}

static struct kunit_case zcit_frame_test_cases[] = {
	KUNIT_CASE(zcit_frame_test_hdr_len),
	KUNIT_CASE(zcit_frame_test_tail_len),
	KUNIT_CASE(zcit_frame_test_cdb_plain),
	KUNIT_CASE(zcit_frame_test_cdb_extended),
	KUNIT_CASE(zcit_frame_test_cdb_bad),
	{}
};

static struct kunit_suite zcit_frame_test_suite = {
	.name = "zcit_frame",
	.test_cases = zcit_frame_test_cases,
};

kunit_test_suites(&zcit_frame_test_suite);

/* MODULE_LICENSE() and MODULE_DESCRIPTION() are in kunit/param_test.c. */
