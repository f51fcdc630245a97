// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for zcit's login stage machine (include/zcit/login.h): RFC
 * 7143 6.3 (stages, T and C bits), 11.12 and 11.13 (Login Request and
 * Response), 12.1 (AuthMethod, CHAP).
 *
 * The tests play the initiator: they build each Login Request header and
 * its key data by hand, call zcit_login_rx() and check the Login Response
 * it builds.  The fake &struct zcit_login_ops hand out a policy the test
 * chose.  For CHAP the initiator side is computed here with the crypto API
 * from the CHAP_I and CHAP_C the target sent.
 *
 * Every request header, data segment and response header is allocated at
 * exactly its size, so that under KASAN reading one byte too far is a
 * failure.
 */
#include <crypto/hash.h>
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <zcit/login.h>
#include "test_util.h"

#define INAME	"iqn.1994-05.com.example:initiator"
#define TNAME	"iqn.2003-01.org.linux-iscsi.zcit:target"
#define NAMES	"InitiatorName=" INAME "\nTargetName=" TNAME "\n"

#define F_T		ISCSI_FLAG_LOGIN_TRANSIT
#define F_C		ISCSI_FLAG_LOGIN_CONTINUE
#define F_CSG(s)	((s) << 2)
#define SEC		F_CSG(ZCIT_STAGE_SECURITY)
#define OPN		F_CSG(ZCIT_STAGE_OPERATIONAL)
#define SEC_TO_OP	(F_T | SEC | ZCIT_STAGE_OPERATIONAL)
#define SEC_TO_FFP	(F_T | SEC | ZCIT_STAGE_FFP)
#define OP_TO_FFP	(F_T | OPN | ZCIT_STAGE_FFP)

#define TEST_TPGT	7
#define TEST_DEPTH	64
#define TEST_TSIH	0x1234
#define TEST_CMDSN	0xfffffff0	/* MaxCmdSN wraps past 0xffffffff */
#define TEST_STATSN	0x1000

/**
 * struct lt - one login under test
 * @test: the test
 * @l: the engine's state
 * @ops: the fake callbacks
 * @enforce: resolve() requires authentication (AuthMethod without None)
 * @authmethod: when set, resolve() uses this AuthMethod list as is
 * @userid: CHAP name the initiator must present, NULL for none
 * @password: its secret
 * @userid_mutual: CHAP name the target presents, NULL for none
 * @password_mutual: its secret
 * @resolve_status: what resolve() returns
 * @complete_status: what complete() returns
 * @resolve_calls: resolve() calls
 * @complete_calls: complete() calls
 * @iname: InitiatorName resolve() saw
 * @tname: TargetName resolve() saw
 * @discovery: SessionType resolve() saw
 * @isid: ISID of the requests
 * @tsih: TSIH of the requests
 * @cid: CID of the requests
 * @itt: ITT of the requests
 * @cmdsn: CmdSN of the requests
 * @exp_statsn: ExpStatSN of the next request
 * @min_version: Version-min of the requests
 * @max_version: Version-max of the requests
 * @rsp: the last response header
 * @data: a copy of its data segment, exactly @dlen bytes
 * @dlen: its length
 * @status: its status, (Status-Class << 8) | Status-Detail
 * @res: what zcit_login_rx() returned
 */
struct lt {
	struct kunit *test;
	struct zcit_login *l;
	struct zcit_login_ops ops;
	bool enforce;
	const char *authmethod;
	const char *userid, *password, *userid_mutual, *password_mutual;
	u16 resolve_status, complete_status;
	int resolve_calls, complete_calls;
	char iname[ZCIT_ISCSI_NAME_MAX + 1];
	char tname[ZCIT_ISCSI_NAME_MAX + 1];
	bool discovery;
	u8 isid[6];
	u16 tsih, cid;
	u32 itt, cmdsn, exp_statsn;
	u8 min_version, max_version;
	struct iscsi_login_rsp *rsp;
	char *data;
	u32 dlen;
	u16 status;
	enum zcit_login_result res;
};

static void set_cred(char *dst, u32 *flags, u32 bit, const char *s)
{
	if (!s)
		return;
	strscpy(dst, s, ZCIT_AUTH_NAME_LEN);
	*flags |= bit;
}

static u16 fake_resolve(struct zcit_login *l)
{
	struct lt *t = l->priv;
	struct zcit_auth *a = &l->pol.auth;

	t->resolve_calls++;
	strscpy(t->iname, l->initiator_name, sizeof(t->iname));
	strscpy(t->tname, l->target_name, sizeof(t->tname));
	t->discovery = l->discovery;
	if (t->resolve_status)
		return t->resolve_status;

	zcit_params_init(&l->pol.params);
	if (zcit_params_set_authentication(&l->pol.params, t->enforce))
		return ZCIT_LS_TARGET_ERR;
	if (t->authmethod)
		strscpy(l->pol.params.val[ZCIT_KEY_AUTHMETHOD], t->authmethod,
			sizeof(l->pol.params.val[0]));
	memset(a, 0, sizeof(*a));
	set_cred(a->userid, &a->flags, ZCIT_AUTH_USERID, t->userid);
	set_cred(a->password, &a->flags, ZCIT_AUTH_PASSWORD, t->password);
	set_cred(a->userid_mutual, &a->flags, ZCIT_AUTH_USERID_MUTUAL,
		 t->userid_mutual);
	set_cred(a->password_mutual, &a->flags, ZCIT_AUTH_PASSWORD_MUTUAL,
		 t->password_mutual);
	l->pol.tpgt = TEST_TPGT;
	l->pol.cmdsn_depth = TEST_DEPTH;
	return ZCIT_LS_OK;
}

static u16 fake_complete(struct zcit_login *l)
{
	struct lt *t = l->priv;

	t->complete_calls++;
	if (t->complete_status)
		return t->complete_status;
	if (!l->tsih)
		l->tsih = TEST_TSIH;
	return ZCIT_LS_OK;
}

/* Start a new login on @t, freeing the previous one. */
static void lt_reset(struct lt *t)
{
	static const u8 isid[6] = { 0x80, 0x23, 0x3d, 0x00, 0x00, 0x01 };
	struct kunit *test = t->test;

	zcit_login_free(t->l);
	t->enforce = false;
	t->authmethod = NULL;
	t->userid = NULL;
	t->password = NULL;
	t->userid_mutual = NULL;
	t->password_mutual = NULL;
	t->resolve_status = 0;
	t->complete_status = 0;
	t->resolve_calls = 0;
	t->complete_calls = 0;
	memcpy(t->isid, isid, sizeof(t->isid));
	t->tsih = 0;
	t->cid = 1;
	t->itt = 0x100;
	t->cmdsn = TEST_CMDSN;
	t->exp_statsn = TEST_STATSN;
	t->min_version = 0;
	t->max_version = 0;
	t->rsp = NULL;
	t->data = NULL;
	t->dlen = 0;
	KUNIT_ASSERT_EQ(test, zcit_login_init(t->l, &t->ops, t), 0);
}

static int lt_init(struct kunit *test)
{
	struct lt *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);

	if (!t)
		return -ENOMEM;
	t->l = kunit_kzalloc(test, sizeof(*t->l), GFP_KERNEL);
	if (!t->l)
		return -ENOMEM;
	t->test = test;
	t->ops.resolve = fake_resolve;
	t->ops.complete = fake_complete;
	test->priv = t;
	lt_reset(t);
	return 0;
}

static void lt_exit(struct kunit *test)
{
	struct lt *t = test->priv;

	if (t)
		zcit_login_free(t->l);
}

/*
 * Send one Login Request with @len bytes of @data and check what every
 * response must be, whatever the outcome.
 */
static enum zcit_login_result lt_rx_raw(struct lt *t, u8 flags,
					const void *data, u32 len)
{
	struct kunit *test = t->test;
	struct iscsi_login_req *req;
	const void *rsp_data = NULL;
	void *d = NULL;
	u32 statsn;

	req = kunit_kzalloc(test, sizeof(*req), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, req);
	req->opcode = ISCSI_OP_LOGIN | ISCSI_OP_IMMEDIATE;
	req->flags = flags;
	req->max_version = t->max_version;
	req->min_version = t->min_version;
	hton24(req->dlength, len);
	memcpy(req->isid, t->isid, sizeof(req->isid));
	req->tsih = cpu_to_be16(t->tsih);
	req->itt = (__force itt_t)cpu_to_be32(t->itt);
	req->cid = cpu_to_be16(t->cid);
	req->cmdsn = cpu_to_be32(t->cmdsn);
	req->exp_statsn = cpu_to_be32(t->exp_statsn);
	if (len) {
		d = kunit_kmalloc(test, len, GFP_KERNEL);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, d);
		memcpy(d, data, len);
	}

	t->rsp = kunit_kmalloc(test, sizeof(*t->rsp), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t->rsp);
	memset(t->rsp, 0xcc, sizeof(*t->rsp));
	t->res = zcit_login_rx(t->l, req, d, len, t->rsp, &rsp_data);

	KUNIT_EXPECT_EQ(test, t->rsp->opcode, ISCSI_OP_LOGIN_RSP);
	KUNIT_EXPECT_EQ(test, t->rsp->max_version, 0);
	KUNIT_EXPECT_EQ(test, t->rsp->active_version, 0);
	KUNIT_EXPECT_EQ(test, t->rsp->hlength, 0);
	KUNIT_EXPECT_EQ(test, memcmp(t->rsp->isid, t->isid, sizeof(t->isid)), 0);
	KUNIT_EXPECT_EQ(test, be32_to_cpu((__force __be32)t->rsp->itt), t->itt);
	/* 11.13.4: StatSN from the first ExpStatSN on, one per response. */
	statsn = be32_to_cpu(t->rsp->statsn);
	KUNIT_EXPECT_EQ(test, statsn, t->exp_statsn);
	t->exp_statsn = statsn + 1;
	t->status = t->rsp->status_class << 8 | t->rsp->status_detail;
	/*
	 * Login requests are immediate: ExpCmdSN stays the CmdSN.  (Like
	 * StatSN, they only mean something when Status-Class is 0.)
	 */
	if (!t->status) {
		KUNIT_EXPECT_EQ(test, be32_to_cpu(t->rsp->exp_cmdsn), t->cmdsn);
		KUNIT_EXPECT_EQ(test, be32_to_cpu(t->rsp->max_cmdsn),
				t->cmdsn + t->l->pol.cmdsn_depth - 1);
	}

	/* 11.13.2: C and T never together. */
	KUNIT_EXPECT_NE(test, t->rsp->flags & (F_T | F_C), F_T | F_C);
	t->dlen = ntoh24(t->rsp->dlength);
	KUNIT_EXPECT_LE(test, t->dlen, (u32)ZCIT_TEXT_PDU_MAX);
	t->data = NULL;
	if (t->dlen) {
		KUNIT_ASSERT_NOT_NULL(test, rsp_data);
		t->data = kunit_kmalloc(test, t->dlen, GFP_KERNEL);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t->data);
		memcpy(t->data, rsp_data, t->dlen);
	}

	if (t->res == ZCIT_LOGIN_FAIL) {
		KUNIT_EXPECT_NE(test, t->status, 0);
		KUNIT_EXPECT_EQ(test, t->dlen, 0u);
		KUNIT_EXPECT_FALSE(test, t->rsp->flags & (F_T | F_C));
	} else {
		KUNIT_EXPECT_EQ(test, t->status, 0);
	}
	if (t->res == ZCIT_LOGIN_DONE) {
		KUNIT_EXPECT_EQ(test, t->rsp->flags & (F_T | 3), F_T | 3);
		KUNIT_EXPECT_NE(test, be16_to_cpu(t->rsp->tsih), 0);
	} else if (t->res == ZCIT_LOGIN_REPLY && !(t->rsp->flags & F_T)) {
		/* Without transit a response carries the initiator's TSIH. */
		KUNIT_EXPECT_EQ(test, be16_to_cpu(t->rsp->tsih), t->tsih);
	}
	return t->res;
}

/* @s with every '\n' turned into the NUL that ends a pair, exact size. */
static char *lt_text(struct kunit *test, const char *s, u32 *len)
{
	size_t n = strlen(s), i;
	char *d = kunit_kmalloc(test, n ? n : 1, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, d);
	for (i = 0; i < n; i++)
		d[i] = s[i] == '\n' ? '\0' : s[i];
	*len = n;
	return d;
}

static enum zcit_login_result lt_rx(struct lt *t, u8 flags, const char *s)
{
	u32 len;
	char *d = lt_text(t->test, s, &len);

	return lt_rx_raw(t, flags, d, len);
}

/* printf into a kunit-managed string. */
static __printf(2, 3) char *lt_fmt(struct kunit *test, const char *fmt, ...)
{
	char *s = kunit_kmalloc(test, 2048, GFP_KERNEL);
	va_list ap;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, s);
	va_start(ap, fmt);
	KUNIT_ASSERT_LT(test, vsnprintf(s, 2048, fmt, ap), 2048);
	va_end(ap);
	return s;
}

/* The value of @key in the last response (NULL if absent). */
static const char *rsp_get(struct lt *t, const char *key)
{
	struct kunit *test = t->test;
	const char *found = NULL;
	struct zcit_kv kv;
	u32 pos = 0;
	char *copy;
	int n = 0, ret;

	if (!t->dlen)
		return NULL;
	copy = kunit_kmalloc(test, t->dlen, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, copy);
	memcpy(copy, t->data, t->dlen);
	while ((ret = zcit_text_next(copy, t->dlen, &pos, &kv)) > 0) {
		if (strcmp(kv.key, key))
			continue;
		if (!found)
			found = kv.val;
		n++;
	}
	KUNIT_EXPECT_EQ_MSG(test, ret, 0, "malformed response");
	KUNIT_EXPECT_LE_MSG(test, n, 1, "%s answered %d times", key, n);
	return found;
}

static void expect_key(struct lt *t, const char *key, const char *val)
{
	const char *v = rsp_get(t, key);

	KUNIT_EXPECT_NOT_NULL_MSG(t->test, v, "no %s", key);
	if (v)
		KUNIT_EXPECT_STREQ(t->test, v, val);
}

static void expect_no_key(struct lt *t, const char *key)
{
	KUNIT_EXPECT_NULL_MSG(t->test, rsp_get(t, key), "unexpected %s", key);
}

/* The last response refused the login with @status, as 11.13.5 wants. */
static void expect_fail(struct lt *t, u16 status)
{
	struct kunit *test = t->test;

	KUNIT_EXPECT_EQ(test, t->res, ZCIT_LOGIN_FAIL);
	KUNIT_EXPECT_EQ_MSG(test, t->status, status, "status %#06x, want %#06x",
			    t->status, status);
	/* 11.13.3: no session was made: the initiator's TSIH comes back. */
	KUNIT_EXPECT_EQ(test, be16_to_cpu(t->rsp->tsih), t->tsih);
}

/* A response in stage @csg: no transit, no C bit. */
static void expect_stay(struct lt *t, u8 csg)
{
	KUNIT_EXPECT_EQ(t->test, t->res, ZCIT_LOGIN_REPLY);
	KUNIT_EXPECT_EQ(t->test, t->rsp->flags, F_CSG(csg));
}

/* A response agreeing to go from @csg to @nsg. */
static void expect_transit(struct lt *t, u8 csg, u8 nsg)
{
	KUNIT_EXPECT_EQ(t->test, t->res,
			nsg == ZCIT_STAGE_FFP ? ZCIT_LOGIN_DONE :
						ZCIT_LOGIN_REPLY);
	KUNIT_EXPECT_EQ(t->test, t->rsp->flags, F_T | F_CSG(csg) | nsg);
}

static void expect_ffp(struct lt *t, u8 csg)
{
	expect_transit(t, csg, ZCIT_STAGE_FFP);
	KUNIT_EXPECT_EQ(t->test, be16_to_cpu(t->rsp->tsih), TEST_TSIH);
	KUNIT_EXPECT_EQ(t->test, t->complete_calls, 1);
}

/* ---- None ---- */

/* Security (None) -> operational -> FFP, the common path. */
static void zcit_login_test_none_full(struct kunit *test)
{
	struct lt *t = test->priv;

	lt_rx(t, SEC_TO_OP, NAMES "SessionType=Normal\nAuthMethod=None\n");
	expect_transit(t, ZCIT_STAGE_SECURITY, ZCIT_STAGE_OPERATIONAL);
	KUNIT_EXPECT_EQ(test, t->resolve_calls, 1);
	KUNIT_EXPECT_STREQ(test, t->iname, INAME);
	KUNIT_EXPECT_STREQ(test, t->tname, TNAME);
	KUNIT_EXPECT_FALSE(test, t->discovery);
	expect_key(t, "AuthMethod", "None");
	expect_key(t, "TargetPortalGroupTag", "7");
	/* Declarations belong to the operational stage. */
	expect_no_key(t, "MaxRecvDataSegmentLength");
	KUNIT_EXPECT_EQ(test, be32_to_cpu(t->rsp->statsn), (u32)TEST_STATSN);
	/* MaxCmdSN = CmdSN + depth - 1, wrapping. */
	KUNIT_EXPECT_EQ(test, be32_to_cpu(t->rsp->max_cmdsn),
			(u32)(TEST_CMDSN + TEST_DEPTH - 1));
	KUNIT_EXPECT_EQ(test, be32_to_cpu(t->rsp->exp_cmdsn), (u32)TEST_CMDSN);
	KUNIT_EXPECT_EQ(test, be16_to_cpu(t->rsp->tsih), 0);

	lt_rx(t, OPN, "HeaderDigest=None\nMaxRecvDataSegmentLength=65536\n");
	expect_stay(t, ZCIT_STAGE_OPERATIONAL);
	expect_key(t, "HeaderDigest", "None");
	/* In answer: param/'s MaxXmitDataSegmentLength, as LIO declares. */
	expect_key(t, "MaxRecvDataSegmentLength", "262144");
	expect_no_key(t, "TargetPortalGroupTag");
	KUNIT_EXPECT_EQ(test, be32_to_cpu(t->rsp->statsn), TEST_STATSN + 1u);

	lt_rx(t, OP_TO_FFP, "DataDigest=None\n");
	expect_ffp(t, ZCIT_STAGE_OPERATIONAL);
	expect_key(t, "DataDigest", "None");
	/* Declared once per login. */
	expect_no_key(t, "MaxRecvDataSegmentLength");
	expect_no_key(t, "TargetPortalGroupTag");
	KUNIT_EXPECT_EQ(test, be32_to_cpu(t->rsp->statsn), TEST_STATSN + 2u);
	KUNIT_EXPECT_EQ(test, be32_to_cpu(t->rsp->max_cmdsn),
			(u32)(TEST_CMDSN + TEST_DEPTH - 1));
	KUNIT_EXPECT_EQ(test, t->resolve_calls, 1);
	KUNIT_EXPECT_EQ(test, t->l->nego.res.max_xmit_dsl, 65536u);
}

/* Security without T first, then T; no AuthMethod at all is None. */
static void zcit_login_test_none_no_authmethod(struct kunit *test)
{
	struct lt *t = test->priv;

	lt_rx(t, SEC, NAMES);
	expect_stay(t, ZCIT_STAGE_SECURITY);
	expect_key(t, "TargetPortalGroupTag", "7");
	expect_no_key(t, "AuthMethod");

	lt_rx(t, SEC_TO_OP, "");
	expect_transit(t, ZCIT_STAGE_SECURITY, ZCIT_STAGE_OPERATIONAL);
	expect_no_key(t, "TargetPortalGroupTag");
	expect_no_key(t, "MaxRecvDataSegmentLength");

	lt_rx(t, OP_TO_FFP, "");
	expect_ffp(t, ZCIT_STAGE_OPERATIONAL);
	/* The target declares even when the initiator proposes nothing. */
	KUNIT_EXPECT_NOT_NULL(test, rsp_get(t, "MaxRecvDataSegmentLength"));
}

/* 6.3: security -> FFP directly: no operational stage, no declarations. */
static void zcit_login_test_security_to_ffp(struct kunit *test)
{
	struct lt *t = test->priv;

	lt_rx(t, SEC_TO_FFP, NAMES "AuthMethod=None\n");
	expect_ffp(t, ZCIT_STAGE_SECURITY);
	expect_key(t, "AuthMethod", "None");
	expect_key(t, "TargetPortalGroupTag", "7");
	expect_no_key(t, "MaxRecvDataSegmentLength");
	KUNIT_EXPECT_EQ(test, t->resolve_calls, 1);
}

/* 6.3: starting in the operational stage skips security: only for None. */
static void zcit_login_test_skip_security(struct kunit *test)
{
	struct lt *t = test->priv;

	lt_rx(t, OPN, NAMES "ImmediateData=Yes\n");
	expect_stay(t, ZCIT_STAGE_OPERATIONAL);
	expect_key(t, "TargetPortalGroupTag", "7");
	expect_key(t, "ImmediateData", "Yes");
	KUNIT_EXPECT_NOT_NULL(test, rsp_get(t, "MaxRecvDataSegmentLength"));
	lt_rx(t, OP_TO_FFP, "");
	expect_ffp(t, ZCIT_STAGE_OPERATIONAL);

	/* Straight to FFP. */
	lt_reset(t);
	lt_rx(t, OP_TO_FFP, NAMES);
	expect_ffp(t, ZCIT_STAGE_OPERATIONAL);
	expect_key(t, "TargetPortalGroupTag", "7");

	/* Authentication required: refused, whatever the T bit. */
	lt_reset(t);
	t->enforce = true;
	lt_rx(t, OPN, NAMES);
	expect_fail(t, ZCIT_LS_AUTH_FAILED);
	KUNIT_EXPECT_EQ(test, t->resolve_calls, 1);
	lt_reset(t);
	t->enforce = true;
	lt_rx(t, OP_TO_FFP, NAMES);
	expect_fail(t, ZCIT_LS_AUTH_FAILED);
	KUNIT_EXPECT_EQ(test, t->complete_calls, 0);
}

/* Discovery: no TargetName needed, no TargetPortalGroupTag answered. */
static void zcit_login_test_discovery(struct kunit *test)
{
	struct lt *t = test->priv;

	lt_rx(t, SEC_TO_OP, "InitiatorName=" INAME "\nSessionType=Discovery\n");
	expect_transit(t, ZCIT_STAGE_SECURITY, ZCIT_STAGE_OPERATIONAL);
	KUNIT_EXPECT_TRUE(test, t->discovery);
	KUNIT_EXPECT_STREQ(test, t->tname, "");
	expect_no_key(t, "TargetPortalGroupTag");
	lt_rx(t, OP_TO_FFP, "MaxBurstLength=4096\n");
	expect_ffp(t, ZCIT_STAGE_OPERATIONAL);
	expect_key(t, "MaxBurstLength", "Irrelevant");
}

/* AuthMethod with no value both allow: Reject, then T fails the login. */
static void zcit_login_test_authmethod_reject(struct kunit *test)
{
	struct lt *t = test->priv;

	t->enforce = true;
	lt_rx(t, SEC, NAMES "AuthMethod=None\n");
	expect_stay(t, ZCIT_STAGE_SECURITY);
	expect_key(t, "AuthMethod", "Reject");
	lt_rx(t, SEC_TO_OP, "");
	expect_fail(t, ZCIT_LS_AUTH_FAILED);

	/* Methods nobody implements, None allowed: still Reject. */
	lt_reset(t);
	t->enforce = false;
	lt_rx(t, SEC, NAMES "AuthMethod=SRP,KRB5\n");
	expect_stay(t, ZCIT_STAGE_SECURITY);
	expect_key(t, "AuthMethod", "Reject");
	lt_rx(t, SEC_TO_FFP, "");
	expect_fail(t, ZCIT_LS_AUTH_FAILED);
	KUNIT_EXPECT_EQ(test, t->complete_calls, 0);

	/* Only None allowed, the initiator insists on CHAP. */
	lt_reset(t);
	t->authmethod = "None";
	lt_rx(t, SEC, NAMES "AuthMethod=CHAP\n");
	expect_stay(t, ZCIT_STAGE_SECURITY);
	expect_key(t, "AuthMethod", "Reject");
	lt_rx(t, SEC_TO_OP, "");
	expect_fail(t, ZCIT_LS_AUTH_FAILED);

	/* No AuthMethod and none allowed: the T bit fails the login. */
	lt_reset(t);
	t->enforce = true;
	lt_rx(t, SEC_TO_OP, NAMES);
	expect_fail(t, ZCIT_LS_AUTH_FAILED);

	/* AuthMethod twice. */
	lt_reset(t);
	t->enforce = false;
	lt_rx(t, SEC, NAMES "AuthMethod=None\n");
	expect_stay(t, ZCIT_STAGE_SECURITY);
	lt_rx(t, SEC, "AuthMethod=None\n");
	expect_fail(t, ZCIT_LS_INIT_ERR);
}

/* ---- CHAP ---- */

#define CHAP_USER	"alice"
#define CHAP_SECRET	"alice-secret-123"
#define CHAP_TUSER	"target-bob"
#define CHAP_TSECRET	"bob-secret-4567"

/* The initiator's side of one CHAP exchange. */
struct chap_init {
	const char *alg;	/* crypto API name */
	u32 dlen;		/* digest size */
	u8 id;			/* the target's CHAP_I */
	u8 chal[64];		/* the target's CHAP_C */
	u32 chal_len;
	char chal_str[2 + 128 + 1];	/* the target's CHAP_C as sent */
};

/* H(@id || @secret || @chal) with the crypto API, as hex. */
static char *chap_resp(struct kunit *test, const char *alg, u8 id,
		       const char *secret, const u8 *chal, u32 chal_len)
{
	size_t slen = strlen(secret), n = 1 + slen + chal_len;
	struct crypto_shash *tfm;
	u8 *buf, digest[64];
	u32 dlen;
	int ret;

	tfm = crypto_alloc_shash(alg, 0, 0);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(tfm), "no %s", alg);
	dlen = crypto_shash_digestsize(tfm);
	buf = kunit_kmalloc(test, n, GFP_KERNEL);
	if (!buf || dlen > sizeof(digest))
		crypto_free_shash(tfm);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	KUNIT_ASSERT_LE(test, dlen, (u32)sizeof(digest));
	buf[0] = id;
	memcpy(buf + 1, secret, slen);
	memcpy(buf + 1 + slen, chal, chal_len);
	ret = crypto_shash_tfm_digest(tfm, buf, n, digest);
	crypto_free_shash(tfm);
	KUNIT_ASSERT_EQ(test, ret, 0);
	return zt_hex(test, digest, dlen, false);
}

/* Read CHAP_A, CHAP_I and CHAP_C from the target's answer. */
static void chap_read_challenge(struct lt *t, struct chap_init *ci)
{
	struct kunit *test = t->test;
	const char *a = rsp_get(t, "CHAP_A");
	const char *i = rsp_get(t, "CHAP_I");
	const char *c = rsp_get(t, "CHAP_C");
	size_t n;

	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, i);
	KUNIT_ASSERT_NOT_NULL(test, c);
	if (!strcmp(a, "5")) {
		ci->alg = "md5";
		ci->dlen = 16;
	} else if (!strcmp(a, "7")) {
		ci->alg = "sha256";
		ci->dlen = 32;
	} else {
		ci->alg = NULL;
	}
	KUNIT_ASSERT_NOT_NULL_MSG(test, ci->alg, "unexpected CHAP_A=%s", a);
	KUNIT_ASSERT_EQ(test, kstrtou8(i, 10, &ci->id), 0);
	KUNIT_ASSERT_TRUE(test, c[0] == '0' && c[1] == 'x');
	n = strlen(c + 2);
	KUNIT_ASSERT_EQ(test, n % 2, (size_t)0);
	KUNIT_ASSERT_LE(test, n / 2, sizeof(ci->chal));
	KUNIT_ASSERT_EQ(test, hex2bin(ci->chal, c + 2, n / 2), 0);
	ci->chal_len = n / 2;
	/* At least as long as the digest (RFC 7143 12.1.3: not shorter). */
	KUNIT_EXPECT_GE(test, ci->chal_len, ci->dlen);
	strscpy(ci->chal_str, c, sizeof(ci->chal_str));
}

/*
 * The first two CHAP steps: names and AuthMethod=CHAP, then CHAP_A=@a.
 * Leaves the target's challenge in @ci.
 */
static void chap_start(struct lt *t, const char *a, struct chap_init *ci)
{
	struct kunit *test = t->test;

	t->userid = CHAP_USER;
	t->password = CHAP_SECRET;
	t->enforce = true;
	/* T=1 already: the target holds the stage while CHAP runs. */
	lt_rx(t, SEC_TO_OP, NAMES "AuthMethod=CHAP,None\n");
	expect_stay(t, ZCIT_STAGE_SECURITY);
	expect_key(t, "AuthMethod", "CHAP");
	expect_key(t, "TargetPortalGroupTag", "7");
	KUNIT_ASSERT_EQ(test, t->res, ZCIT_LOGIN_REPLY);

	lt_rx(t, SEC_TO_OP, lt_fmt(test, "CHAP_A=%s\n", a));
	expect_stay(t, ZCIT_STAGE_SECURITY);
	KUNIT_ASSERT_EQ(test, t->res, ZCIT_LOGIN_REPLY);
	chap_read_challenge(t, ci);
}

/* CHAP_N and the right CHAP_R for @ci with @secret. */
static char *chap_answer(struct lt *t, const struct chap_init *ci,
			 const char *name, const char *secret)
{
	return lt_fmt(t->test, "CHAP_N=%s\nCHAP_R=%s\n", name,
		      chap_resp(t->test, ci->alg, ci->id, secret, ci->chal,
				ci->chal_len));
}

static void zcit_login_test_chap_one_way(struct kunit *test)
{
	struct lt *t = test->priv;
	struct chap_init ci;

	chap_start(t, "5", &ci);
	KUNIT_EXPECT_STREQ(test, ci.alg, "md5");
	lt_rx(t, SEC_TO_OP, chap_answer(t, &ci, CHAP_USER, CHAP_SECRET));
	expect_transit(t, ZCIT_STAGE_SECURITY, ZCIT_STAGE_OPERATIONAL);
	/* One-way: the target does not authenticate itself. */
	expect_no_key(t, "CHAP_N");
	expect_no_key(t, "CHAP_R");
	expect_no_key(t, "MaxRecvDataSegmentLength");
	lt_rx(t, OP_TO_FFP, "");
	expect_ffp(t, ZCIT_STAGE_OPERATIONAL);

	/* CHAP_R without T, then T alone. */
	lt_reset(t);
	chap_start(t, "5", &ci);
	lt_rx(t, SEC, chap_answer(t, &ci, CHAP_USER, CHAP_SECRET));
	expect_stay(t, ZCIT_STAGE_SECURITY);
	lt_rx(t, SEC_TO_FFP, "");
	expect_ffp(t, ZCIT_STAGE_SECURITY);
}

static void zcit_login_test_chap_mutual(struct kunit *test)
{
	static const u8 ichal[20] = {
		0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc,
		0xba, 0x98, 0x76, 0x54, 0x32, 0x10, 0x00, 0xff, 0x11, 0xee,
	};
	struct lt *t = test->priv;
	struct chap_init ci;

	t->userid_mutual = CHAP_TUSER;
	t->password_mutual = CHAP_TSECRET;
	/* The initiator prefers SHA-256 (7) to MD5 (5). */
	chap_start(t, "7,5", &ci);
	KUNIT_EXPECT_STREQ(test, ci.alg, "sha256");
	lt_rx(t, SEC_TO_OP,
	      lt_fmt(test, "%sCHAP_I=77\nCHAP_C=%s\n",
		     chap_answer(t, &ci, CHAP_USER, CHAP_SECRET),
		     zt_hex(test, ichal, sizeof(ichal), false)));
	expect_transit(t, ZCIT_STAGE_SECURITY, ZCIT_STAGE_OPERATIONAL);
	expect_key(t, "CHAP_N", CHAP_TUSER);
	expect_key(t, "CHAP_R", chap_resp(test, "sha256", 77, CHAP_TSECRET,
					  ichal, sizeof(ichal)));
	lt_rx(t, OP_TO_FFP, "");
	expect_ffp(t, ZCIT_STAGE_OPERATIONAL);
}

/* Each way a CHAP_R step fails: Authentication failure (0x0201). */
static void zcit_login_test_chap_failures(struct kunit *test)
{
	struct lt *t = test->priv;
	struct chap_init ci;
	char *r;

	/* Wrong secret. */
	chap_start(t, "5", &ci);
	lt_rx(t, SEC_TO_OP, chap_answer(t, &ci, CHAP_USER, "wrong-secret-99"));
	expect_fail(t, ZCIT_LS_AUTH_FAILED);

	/* Right secret, wrong CHAP_N. */
	lt_reset(t);
	chap_start(t, "5", &ci);
	lt_rx(t, SEC_TO_OP, chap_answer(t, &ci, "mallory", CHAP_SECRET));
	expect_fail(t, ZCIT_LS_AUTH_FAILED);

	/* CHAP_R one byte short of the digest: its first 15 bytes. */
	lt_reset(t);
	chap_start(t, "5", &ci);
	r = chap_resp(test, ci.alg, ci.id, CHAP_SECRET, ci.chal, ci.chal_len);
	r[2 + 30] = '\0';
	lt_rx(t, SEC_TO_OP, lt_fmt(test, "CHAP_N=" CHAP_USER "\nCHAP_R=%s\n", r));
	expect_fail(t, ZCIT_LS_AUTH_FAILED);

	/* ... and one byte too long. */
	lt_reset(t);
	chap_start(t, "5", &ci);
	r = chap_resp(test, ci.alg, ci.id, CHAP_SECRET, ci.chal, ci.chal_len);
	lt_rx(t, SEC_TO_OP,
	      lt_fmt(test, "CHAP_N=" CHAP_USER "\nCHAP_R=%s00\n", r));
	expect_fail(t, ZCIT_LS_AUTH_FAILED);

	/* CHAP_I alone, without CHAP_C. */
	lt_reset(t);
	chap_start(t, "5", &ci);
	lt_rx(t, SEC_TO_OP, lt_fmt(test, "%sCHAP_I=1\n",
				   chap_answer(t, &ci, CHAP_USER, CHAP_SECRET)));
	expect_fail(t, ZCIT_LS_AUTH_FAILED);

	/* One-way configured, the initiator asks the target to prove itself. */
	lt_reset(t);
	chap_start(t, "5", &ci);
	lt_rx(t, SEC_TO_OP,
	      lt_fmt(test, "%sCHAP_I=1\nCHAP_C=0x00112233445566778899aabbccddeeff\n",
		     chap_answer(t, &ci, CHAP_USER, CHAP_SECRET)));
	expect_fail(t, ZCIT_LS_AUTH_FAILED);

	/* CHAP_A in the second step again. */
	lt_reset(t);
	chap_start(t, "5", &ci);
	lt_rx(t, SEC_TO_OP, lt_fmt(test, "CHAP_A=5\n%s",
				   chap_answer(t, &ci, CHAP_USER, CHAP_SECRET)));
	expect_fail(t, ZCIT_LS_AUTH_FAILED);
}

/* The CHAP_A step skipped: CHAP_N/CHAP_R right after AuthMethod. */
static void zcit_login_test_chap_missing_chap_a(struct kunit *test)
{
	struct lt *t = test->priv;

	t->userid = CHAP_USER;
	t->password = CHAP_SECRET;
	t->enforce = true;
	lt_rx(t, SEC, NAMES "AuthMethod=CHAP\n");
	expect_stay(t, ZCIT_STAGE_SECURITY);
	expect_key(t, "AuthMethod", "CHAP");
	lt_rx(t, SEC_TO_OP, "CHAP_N=" CHAP_USER
	      "\nCHAP_R=0x00112233445566778899aabbccddeeff\n");
	expect_fail(t, ZCIT_LS_AUTH_FAILED);

	/* CHAP keys without AuthMethod=CHAP at all. */
	lt_reset(t);
	t->enforce = false;
	lt_rx(t, SEC, NAMES "CHAP_A=5\n");
	expect_fail(t, ZCIT_LS_AUTH_FAILED);
}

/* Mutual CHAP refusals: reflection, no challenge, one secret both ways. */
static void zcit_login_test_chap_mutual_failures(struct kunit *test)
{
	struct lt *t = test->priv;
	struct chap_init ci;

	/* 12.1.3: the target's own challenge sent back (reflection). */
	t->userid_mutual = CHAP_TUSER;
	t->password_mutual = CHAP_TSECRET;
	chap_start(t, "5", &ci);
	lt_rx(t, SEC_TO_OP,
	      lt_fmt(test, "%sCHAP_I=%u\nCHAP_C=%s\n",
		     chap_answer(t, &ci, CHAP_USER, CHAP_SECRET), ci.id,
		     ci.chal_str));
	expect_fail(t, ZCIT_LS_AUTH_FAILED);

	/* Mutual configured, the initiator does not ask for it. */
	lt_reset(t);
	t->userid_mutual = CHAP_TUSER;
	t->password_mutual = CHAP_TSECRET;
	chap_start(t, "5", &ci);
	lt_rx(t, SEC_TO_OP, chap_answer(t, &ci, CHAP_USER, CHAP_SECRET));
	expect_fail(t, ZCIT_LS_AUTH_FAILED);

	/* 12.1.3: the same secret both ways is refused. */
	lt_reset(t);
	t->userid_mutual = CHAP_TUSER;
	t->password_mutual = CHAP_SECRET;
	chap_start(t, "5", &ci);
	lt_rx(t, SEC_TO_OP,
	      lt_fmt(test, "%sCHAP_I=9\nCHAP_C=0x00112233445566778899aabbccddeeff\n",
		     chap_answer(t, &ci, CHAP_USER, CHAP_SECRET)));
	expect_fail(t, ZCIT_LS_AUTH_FAILED);
}

/* ---- header checks ---- */

/* 11.12: header errors on the first request; resolve() is never asked. */
static void zcit_login_test_header_errors(struct kunit *test)
{
	static const struct {
		u8 flags;
		u16 status;
		const char *what;
	} cases[] = {
		{ F_T | F_C | SEC | ZCIT_STAGE_OPERATIONAL, ZCIT_LS_INIT_ERR,
		  "T and C" },
		{ F_CSG(2), ZCIT_LS_INIT_ERR, "CSG 2" },
		{ F_CSG(3), ZCIT_LS_INIT_ERR, "CSG 3" },
		{ F_T | F_CSG(2) | 3, ZCIT_LS_INIT_ERR, "CSG 2 to 3" },
		{ F_T | SEC | 0, ZCIT_LS_INIT_ERR, "T, NSG 0 = CSG 0" },
		{ F_T | OPN | 1, ZCIT_LS_INIT_ERR, "T, NSG 1 = CSG 1" },
		{ F_T | OPN | 0, ZCIT_LS_INIT_ERR, "T, NSG 0 < CSG 1" },
		{ F_T | SEC | 2, ZCIT_LS_INIT_ERR, "T, NSG 2" },
		{ F_T | OPN | 2, ZCIT_LS_INIT_ERR, "T, CSG 1, NSG 2" },
	};
	struct lt *t = test->priv;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		lt_reset(t);
		lt_rx(t, cases[i].flags, NAMES);
		kunit_info(test, "%s", cases[i].what);
		expect_fail(t, cases[i].status);
		KUNIT_EXPECT_EQ(test, be32_to_cpu(t->rsp->statsn),
				(u32)TEST_STATSN);
		KUNIT_EXPECT_EQ(test, t->resolve_calls, 0);
	}

	/* 11.12.4: only version 0 exists. */
	lt_reset(t);
	t->min_version = 1;
	t->max_version = 1;
	lt_rx(t, SEC_TO_OP, NAMES);
	expect_fail(t, ZCIT_LS_NO_VERSION);
	KUNIT_EXPECT_EQ(test, t->resolve_calls, 0);

	/* Version-max above 0 with Version-min 0 is fine. */
	lt_reset(t);
	t->max_version = 5;
	lt_rx(t, SEC_TO_FFP, NAMES);
	expect_ffp(t, ZCIT_STAGE_SECURITY);

	/* Without T, NSG is not looked at. */
	lt_reset(t);
	lt_rx(t, SEC | 2, NAMES);
	KUNIT_EXPECT_EQ(test, t->res, ZCIT_LOGIN_REPLY);
	KUNIT_EXPECT_EQ(test, t->rsp->flags & F_T, 0);
}

/* Header errors on a later request. */
static void zcit_login_test_header_errors_later(struct kunit *test)
{
	struct lt *t = test->priv;

	lt_rx(t, SEC, NAMES);
	expect_stay(t, ZCIT_STAGE_SECURITY);
	t->min_version = 2;
	t->max_version = 2;
	lt_rx(t, SEC_TO_OP, "");
	expect_fail(t, ZCIT_LS_NO_VERSION);
	KUNIT_EXPECT_EQ(test, be32_to_cpu(t->rsp->statsn), TEST_STATSN + 1u);

	lt_reset(t);
	lt_rx(t, SEC, NAMES);
	lt_rx(t, F_T | F_C | SEC | 1, "");
	expect_fail(t, ZCIT_LS_INIT_ERR);

	lt_reset(t);
	lt_rx(t, SEC_TO_OP, NAMES);
	expect_transit(t, ZCIT_STAGE_SECURITY, ZCIT_STAGE_OPERATIONAL);
	lt_rx(t, F_T | OPN | 2, "");
	expect_fail(t, ZCIT_LS_INIT_ERR);
	KUNIT_EXPECT_EQ(test, t->complete_calls, 0);
}

/* 11.12.5-6: ISID, TSIH and CID must not change during the login. */
static void zcit_login_test_ids_change(struct kunit *test)
{
	struct lt *t = test->priv;
	int which;

	for (which = 0; which < 3; which++) {
		lt_reset(t);
		lt_rx(t, SEC, NAMES);
		expect_stay(t, ZCIT_STAGE_SECURITY);
		if (which == 0)
			t->isid[5] ^= 1;
		else if (which == 1)
			t->tsih = 9;
		else
			t->cid = 2;
		lt_rx(t, SEC_TO_FFP, "");
		expect_fail(t, ZCIT_LS_INIT_ERR);
		KUNIT_EXPECT_EQ(test, t->complete_calls, 0);
	}

	/* The ITT may change: it names one request/response exchange. */
	lt_reset(t);
	lt_rx(t, SEC, NAMES);
	t->itt++;
	lt_rx(t, SEC_TO_FFP, "");
	expect_ffp(t, ZCIT_STAGE_SECURITY);
}

/* A request's CSG must be the stage the login is in. */
static void zcit_login_test_wrong_stage(struct kunit *test)
{
	struct lt *t = test->priv;

	/* Still in security: CSG 1 is refused. */
	lt_rx(t, SEC, NAMES);
	expect_stay(t, ZCIT_STAGE_SECURITY);
	lt_rx(t, OPN, "");
	expect_fail(t, ZCIT_LS_INIT_ERR);

	/* Moved to operational: CSG 0 is refused. */
	lt_reset(t);
	lt_rx(t, SEC_TO_OP, NAMES);
	expect_transit(t, ZCIT_STAGE_SECURITY, ZCIT_STAGE_OPERATIONAL);
	lt_rx(t, SEC_TO_FFP, "");
	expect_fail(t, ZCIT_LS_INIT_ERR);

	/* Security stage keys in the operational stage. */
	lt_reset(t);
	lt_rx(t, OPN, NAMES);
	lt_rx(t, OPN, "AuthMethod=None\n");
	expect_fail(t, ZCIT_LS_INIT_ERR);
	lt_reset(t);
	lt_rx(t, OPN, NAMES);
	lt_rx(t, OPN, "CHAP_A=5\n");
	expect_fail(t, ZCIT_LS_INIT_ERR);
}

/* ---- names ---- */

static void zcit_login_test_names(struct kunit *test)
{
	static const struct {
		const char *text;
		u16 status;
	} cases[] = {
		{ "TargetName=" TNAME "\n", ZCIT_LS_MISSING },
		{ "TargetName=" TNAME "\nSessionType=Normal\n", ZCIT_LS_MISSING },
		{ "", ZCIT_LS_MISSING },
		{ "InitiatorName=" INAME "\n", ZCIT_LS_MISSING },
		{ "InitiatorName=" INAME "\nSessionType=Normal\n",
		  ZCIT_LS_MISSING },
		{ NAMES "SessionType=Bogus\n", ZCIT_LS_NO_SESS_TYPE },
		{ NAMES "SessionType=\n", ZCIT_LS_NO_SESS_TYPE },
		{ NAMES "SessionType=discovery\n", ZCIT_LS_NO_SESS_TYPE },
		{ NAMES "InitiatorName=" INAME "\n", ZCIT_LS_INIT_ERR },
		{ NAMES "TargetName=" TNAME "\n", ZCIT_LS_INIT_ERR },
		{ NAMES "SessionType=Normal\nSessionType=Normal\n",
		  ZCIT_LS_INIT_ERR },
		{ "InitiatorName=not-a-name\nTargetName=" TNAME "\n",
		  ZCIT_LS_INIT_ERR },
		{ "InitiatorName=\nTargetName=" TNAME "\n", ZCIT_LS_INIT_ERR },
		{ "InitiatorName=" INAME "\nTargetName=\n", ZCIT_LS_INIT_ERR },
	};
	struct lt *t = test->priv;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		lt_reset(t);
		lt_rx(t, SEC_TO_OP, cases[i].text);
		kunit_info(test, "case %zu", i);
		expect_fail(t, cases[i].status);
		KUNIT_EXPECT_EQ(test, t->resolve_calls, 0);
	}
}

/* 6.3.1: the names only in the first request. */
static void zcit_login_test_names_later(struct kunit *test)
{
	static const char * const later[] = {
		"InitiatorName=" INAME "\n",
		"TargetName=" TNAME "\n",
		"SessionType=Normal\n",
	};
	struct lt *t = test->priv;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(later); i++) {
		lt_reset(t);
		lt_rx(t, SEC, NAMES);
		expect_stay(t, ZCIT_STAGE_SECURITY);
		lt_rx(t, SEC_TO_OP, later[i]);
		expect_fail(t, ZCIT_LS_INIT_ERR);

		lt_reset(t);
		lt_rx(t, SEC_TO_OP, NAMES);
		lt_rx(t, OPN, later[i]);
		expect_fail(t, ZCIT_LS_INIT_ERR);
		KUNIT_EXPECT_EQ(test, t->resolve_calls, 1);
	}
}

/* resolve() and complete() refusing: their status goes to the initiator. */
static void zcit_login_test_ops_status(struct kunit *test)
{
	static const u16 statuses[] = {
		ZCIT_LS_NOT_FOUND, ZCIT_LS_FORBIDDEN, ZCIT_LS_REMOVED,
		ZCIT_LS_TARGET_ERR, ZCIT_LS_NO_RESOURCES, ZCIT_LS_NO_SESSION,
	};
	struct lt *t = test->priv;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(statuses); i++) {
		lt_reset(t);
		t->resolve_status = statuses[i];
		lt_rx(t, SEC_TO_OP, NAMES);
		expect_fail(t, statuses[i]);
		KUNIT_EXPECT_EQ(test, t->resolve_calls, 1);
	}
	t->resolve_status = 0;

	for (i = 0; i < ARRAY_SIZE(statuses); i++) {
		lt_reset(t);
		t->complete_status = statuses[i];
		lt_rx(t, SEC_TO_OP, NAMES);
		lt_rx(t, OP_TO_FFP, "");
		expect_fail(t, statuses[i]);
		KUNIT_EXPECT_EQ(test, t->complete_calls, 1);
	}
}

/* ---- C bit and data segments ---- */

/* 11.12.2: a request split over two PDUs in the middle of a pair. */
static void zcit_login_test_continue(struct kunit *test)
{
	static const char text[] = NAMES "SessionType=Normal\nAuthMethod=None\n";
	struct lt *t = test->priv;
	u32 len, cut = sizeof(NAMES) + 5;
	char *d = lt_text(test, text, &len);

	/* The first request: cut inside "SessionType". */
	lt_rx_raw(t, F_C | SEC, d, cut);
	expect_stay(t, ZCIT_STAGE_SECURITY);
	KUNIT_EXPECT_EQ(test, t->dlen, 0u);
	KUNIT_EXPECT_EQ(test, t->resolve_calls, 0);
	KUNIT_EXPECT_EQ(test, be32_to_cpu(t->rsp->statsn), (u32)TEST_STATSN);

	lt_rx_raw(t, SEC_TO_OP, d + cut, len - cut);
	expect_transit(t, ZCIT_STAGE_SECURITY, ZCIT_STAGE_OPERATIONAL);
	KUNIT_EXPECT_EQ(test, t->resolve_calls, 1);
	KUNIT_EXPECT_STREQ(test, t->iname, INAME);
	KUNIT_EXPECT_STREQ(test, t->tname, TNAME);
	expect_key(t, "AuthMethod", "None");
	expect_key(t, "TargetPortalGroupTag", "7");
	KUNIT_EXPECT_EQ(test, be32_to_cpu(t->rsp->statsn), TEST_STATSN + 1u);

	/* A later request, cut inside a value, over three PDUs. */
	d = lt_text(test, "HeaderDigest=None\nDataDigest=None\n", &len);
	lt_rx_raw(t, F_C | OPN, d, 15);
	expect_stay(t, ZCIT_STAGE_OPERATIONAL);
	KUNIT_EXPECT_EQ(test, t->dlen, 0u);
	lt_rx_raw(t, F_C | OPN, d + 15, 10);
	expect_stay(t, ZCIT_STAGE_OPERATIONAL);
	KUNIT_EXPECT_EQ(test, t->dlen, 0u);
	lt_rx_raw(t, OP_TO_FFP, d + 25, len - 25);
	expect_ffp(t, ZCIT_STAGE_OPERATIONAL);
	expect_key(t, "HeaderDigest", "None");
	expect_key(t, "DataDigest", "None");
	KUNIT_EXPECT_EQ(test, be32_to_cpu(t->rsp->statsn), TEST_STATSN + 4u);
}

/* Malformed key data fails the login with an initiator error. */
static void zcit_login_test_malformed(struct kunit *test)
{
	static const char no_nul[] = "InitiatorName=" INAME;
	static const char no_eq[] = "InitiatorName\0";
	struct lt *t = test->priv;
	u32 len;
	char *d;

	/* First request, the last pair without its NUL. */
	lt_rx_raw(t, SEC_TO_OP, no_nul, sizeof(no_nul) - 1);
	expect_fail(t, ZCIT_LS_INIT_ERR);
	KUNIT_EXPECT_EQ(test, t->resolve_calls, 0);

	lt_reset(t);
	d = lt_text(test, NAMES "AuthMethod=None", &len);
	lt_rx_raw(t, SEC_TO_OP, d, len);
	expect_fail(t, ZCIT_LS_INIT_ERR);

	/* A pair without '='. */
	lt_reset(t);
	lt_rx_raw(t, SEC_TO_OP, no_eq, sizeof(no_eq) - 1);
	expect_fail(t, ZCIT_LS_INIT_ERR);
	lt_reset(t);
	lt_rx(t, SEC_TO_OP, NAMES "garbage\n");
	expect_fail(t, ZCIT_LS_INIT_ERR);

	/* Later requests. */
	lt_reset(t);
	lt_rx(t, OPN, NAMES);
	expect_stay(t, ZCIT_STAGE_OPERATIONAL);
	lt_rx_raw(t, OPN, "HeaderDigest=None", 17);
	expect_fail(t, ZCIT_LS_INIT_ERR);
	lt_reset(t);
	lt_rx(t, OPN, NAMES);
	lt_rx(t, OPN, "HeaderDigest\n");
	expect_fail(t, ZCIT_LS_INIT_ERR);

	/* NUL padding between and after pairs is fine (6.1). */
	lt_reset(t);
	d = lt_text(test, "\n" NAMES "\n\nAuthMethod=None\n\n", &len);
	lt_rx_raw(t, SEC_TO_FFP, d, len);
	expect_ffp(t, ZCIT_STAGE_SECURITY);
}

#define LONG_KEYS	740

/* "X-com.example.k0000=v" ... one per key, NUL-terminated, exact size. */
static char *long_request(struct kunit *test, u32 *len)
{
	u32 n = LONG_KEYS * 22, i;
	char *d = kunit_kmalloc(test, n, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, d);
	for (i = 0; i < LONG_KEYS; i++)
		snprintf(d + i * 22, 22, "X-com.example.k%04u=v", i);
	*len = n;
	return d;
}

/* Check the reassembled answer to long_request(). */
static void check_long_answer(struct kunit *test, char *buf, u32 len)
{
	struct zcit_kv kv;
	u32 pos = 0, i = 0;
	int mrdsl = 0, ret;
	char key[24];

	while ((ret = zcit_text_next(buf, len, &pos, &kv)) > 0) {
		if (!strcmp(kv.key, "MaxRecvDataSegmentLength")) {
			mrdsl++;
			continue;
		}
		if (!strcmp(kv.key, "TargetAlias"))
			continue;
		snprintf(key, sizeof(key), "X-com.example.k%04u", i++);
		KUNIT_EXPECT_STREQ(test, kv.key, key);
		KUNIT_EXPECT_STREQ(test, kv.val, "NotUnderstood");
	}
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, i, (u32)LONG_KEYS);
	KUNIT_EXPECT_EQ(test, mrdsl, 1);
}

/*
 * A long answer (> 8192 bytes) goes out in C-bit chunks that the
 * initiator's empty requests collect (11.13.2).  @flags: the request's.
 */
static void long_response(struct kunit *test, u8 flags)
{
	struct lt *t = test->priv;
	u32 len, cut = 8180, total = 0, chunks = 0;
	char *d = long_request(test, &len);
	char *all = kunit_kmalloc(test, 65536, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, all);
	lt_rx(t, SEC_TO_OP, NAMES);
	expect_transit(t, ZCIT_STAGE_SECURITY, ZCIT_STAGE_OPERATIONAL);

	/* The request itself spans two PDUs (C bit), cut mid-pair. */
	lt_rx_raw(t, F_C | OPN, d, cut);
	expect_stay(t, ZCIT_STAGE_OPERATIONAL);
	KUNIT_EXPECT_EQ(test, t->dlen, 0u);
	lt_rx_raw(t, flags, d + cut, len - cut);

	for (;;) {
		KUNIT_ASSERT_LE(test, total + t->dlen, 65536u);
		memcpy(all + total, t->data, t->dlen);
		total += t->dlen;
		chunks++;
		if (!(t->rsp->flags & F_C))
			break;
		/* Every chunk but the last is full, without T. */
		KUNIT_EXPECT_EQ(test, t->dlen, (u32)ZCIT_TEXT_PDU_MAX);
		KUNIT_EXPECT_EQ(test, t->rsp->flags, F_C | OPN);
		KUNIT_EXPECT_EQ(test, t->res, ZCIT_LOGIN_REPLY);
		KUNIT_EXPECT_EQ(test, be16_to_cpu(t->rsp->tsih), 0);
		KUNIT_EXPECT_EQ(test, t->complete_calls, 0);
		KUNIT_ASSERT_LT(test, chunks, 10u);
		/* The initiator asks for the rest, in the same stage. */
		lt_rx(t, OPN, "");
		KUNIT_ASSERT_NE(test, t->res, ZCIT_LOGIN_FAIL);
	}
	KUNIT_EXPECT_EQ(test, chunks, 4u);
	KUNIT_EXPECT_GT(test, total, 3u * ZCIT_TEXT_PDU_MAX);
	check_long_answer(test, all, total);

	if (flags & F_T) {
		expect_ffp(t, ZCIT_STAGE_OPERATIONAL);
		return;
	}
	expect_stay(t, ZCIT_STAGE_OPERATIONAL);
	lt_rx(t, OP_TO_FFP, "");
	expect_ffp(t, ZCIT_STAGE_OPERATIONAL);
	KUNIT_EXPECT_EQ(test, t->dlen, 0u);
}

static void zcit_login_test_long_response(struct kunit *test)
{
	long_response(test, OPN);
}

/* The same, the last request asking for FFP: T only on the last chunk. */
static void zcit_login_test_long_response_transit(struct kunit *test)
{
	long_response(test, OP_TO_FFP);
}

/* While an answer is being collected, requests must be empty. */
static void zcit_login_test_long_response_data(struct kunit *test)
{
	struct lt *t = test->priv;
	u32 len;
	char *d = long_request(test, &len);

	lt_rx(t, OPN, NAMES);
	expect_stay(t, ZCIT_STAGE_OPERATIONAL);
	lt_rx_raw(t, OPN, d, 7986);	/* 363 whole pairs */
	KUNIT_ASSERT_EQ(test, t->rsp->flags, F_C | OPN);
	lt_rx(t, OPN, "HeaderDigest=None\n");
	expect_fail(t, ZCIT_LS_INIT_ERR);
}

/* zcit_login_reject(), as the caller uses it before any request is read. */
static void zcit_login_test_reject(struct kunit *test)
{
	struct lt *t = test->priv;
	struct iscsi_login_req *req = kunit_kzalloc(test, sizeof(*req),
						    GFP_KERNEL);
	struct iscsi_login_rsp *rsp = kunit_kmalloc(test, sizeof(*rsp),
						    GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, req);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, rsp);
	memset(rsp, 0xcc, sizeof(*rsp));
	req->opcode = ISCSI_OP_LOGIN | ISCSI_OP_IMMEDIATE;
	req->flags = SEC_TO_OP;
	req->isid[0] = 0x80;
	req->itt = (__force itt_t)cpu_to_be32(5);
	req->cmdsn = cpu_to_be32(33);
	req->exp_statsn = cpu_to_be32(1000);
	KUNIT_EXPECT_EQ(test, zcit_login_reject(t->l, req, ZCIT_LS_NO_RESOURCES,
						rsp), ZCIT_LOGIN_FAIL);
	KUNIT_EXPECT_EQ(test, rsp->opcode, ISCSI_OP_LOGIN_RSP);
	KUNIT_EXPECT_EQ(test, rsp->flags, SEC);
	KUNIT_EXPECT_EQ(test, be32_to_cpu(rsp->statsn), 1000u);
	KUNIT_EXPECT_EQ(test, ntoh24(rsp->dlength), 0);
	KUNIT_EXPECT_EQ(test, rsp->status_class, ISCSI_STATUS_CLS_TARGET_ERR);
	KUNIT_EXPECT_EQ(test, rsp->status_detail,
			ISCSI_LOGIN_STATUS_NO_RESOURCES);
	KUNIT_EXPECT_EQ(test, rsp->isid[0], 0x80);
	KUNIT_EXPECT_EQ(test, be32_to_cpu((__force __be32)rsp->itt), 5u);
}

/*
 * A connection joining a session (TSIH != 0): its TSIH is echoed, session
 * keys are Irrelevant, a refusal carries that TSIH back (11.13.3).
 */
static void zcit_login_test_join_session(struct kunit *test)
{
	struct lt *t = test->priv;

	t->tsih = 0x55;
	lt_rx(t, SEC_TO_OP, NAMES);
	expect_transit(t, ZCIT_STAGE_SECURITY, ZCIT_STAGE_OPERATIONAL);
	KUNIT_EXPECT_EQ(test, be16_to_cpu(t->rsp->tsih), 0x55);
	lt_rx(t, OPN, "MaxConnections=4\nHeaderDigest=None\n");
	expect_stay(t, ZCIT_STAGE_OPERATIONAL);
	expect_key(t, "MaxConnections", "Irrelevant");
	expect_key(t, "HeaderDigest", "None");
	lt_rx(t, OP_TO_FFP, "");
	expect_transit(t, ZCIT_STAGE_OPERATIONAL, ZCIT_STAGE_FFP);
	KUNIT_EXPECT_EQ(test, be16_to_cpu(t->rsp->tsih), 0x55);

	lt_reset(t);
	t->tsih = 0x55;
	t->complete_status = ZCIT_LS_NO_SESSION;
	lt_rx(t, SEC_TO_FFP, NAMES);
	expect_fail(t, ZCIT_LS_NO_SESSION);
}

static struct kunit_case zcit_login_test_cases[] = {
	KUNIT_CASE(zcit_login_test_none_full),
	KUNIT_CASE(zcit_login_test_none_no_authmethod),
	KUNIT_CASE(zcit_login_test_security_to_ffp),
	KUNIT_CASE(zcit_login_test_skip_security),
	KUNIT_CASE(zcit_login_test_discovery),
	KUNIT_CASE(zcit_login_test_authmethod_reject),
	KUNIT_CASE(zcit_login_test_chap_one_way),
	KUNIT_CASE(zcit_login_test_chap_mutual),
	KUNIT_CASE(zcit_login_test_chap_failures),
	KUNIT_CASE(zcit_login_test_chap_missing_chap_a),
	KUNIT_CASE(zcit_login_test_chap_mutual_failures),
	KUNIT_CASE(zcit_login_test_header_errors),
	KUNIT_CASE(zcit_login_test_header_errors_later),
	KUNIT_CASE(zcit_login_test_ids_change),
	KUNIT_CASE(zcit_login_test_wrong_stage),
	KUNIT_CASE(zcit_login_test_names),
	KUNIT_CASE(zcit_login_test_names_later),
	KUNIT_CASE(zcit_login_test_ops_status),
	KUNIT_CASE(zcit_login_test_continue),
	KUNIT_CASE(zcit_login_test_malformed),
	KUNIT_CASE(zcit_login_test_long_response),
	KUNIT_CASE(zcit_login_test_long_response_transit),
	KUNIT_CASE(zcit_login_test_long_response_data),
	KUNIT_CASE(zcit_login_test_reject),
	KUNIT_CASE(zcit_login_test_join_session),
	{}
};

static struct kunit_suite zcit_login_test_suite = {
	.name = "zcit_login",
	.init = lt_init,
	.exit = lt_exit,
	.test_cases = zcit_login_test_cases,
};

/* MODULE_LICENSE() and MODULE_DESCRIPTION() are in kunit/param_test.c. */
kunit_test_suites(&zcit_login_test_suite);
