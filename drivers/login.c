// SPDX-License-Identifier: GPL-2.0
/*
 * zcit protocol engine: the target side of the login phase.
 *
 * Pure code: no sockets, no LIO calls.  The transport hands in complete
 * Login Request PDUs (header and data segment) and sends back the Login
 * Response built here; the LIO glue answers the two questions only it can
 * (&struct zcit_login_ops).  Every refusal ends the login with a status
 * from RFC 7143 11.13.5 and no data; the transport then closes the
 * connection, as RFC 7143 11.13.5 requires.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <zcit/login.h>

/* The only version there is: RFC 7143 11.12.4 (0x00). */
#define ZCIT_ISCSI_VERSION	0x00

/**
 * zcit_login_init() - start the login of a new connection
 * @l: the state, zeroed or not
 * @ops: the caller's callbacks
 * @priv: the caller's, stored in @l->priv
 *
 * Return: 0 or -ENOMEM.
 */
int zcit_login_init(struct zcit_login *l, const struct zcit_login_ops *ops,
		    void *priv)
{
	int ret;

	memset(l, 0, sizeof(*l));
	l->ops = ops;
	l->priv = priv;
	l->pol.cmdsn_depth = 1;
	ret = zcit_text_in_init(&l->in, ZCIT_TEXT_TOTAL_MAX);
	if (ret)
		return ret;
	ret = zcit_text_out_init(&l->out, ZCIT_TEXT_TOTAL_MAX);
	if (ret)
		zcit_text_in_free(&l->in);
	return ret;
}

/**
 * zcit_login_free() - free what zcit_login_init() allocated
 * @l: the state
 *
 * The CHAP secrets copied into @l are wiped too.
 */
void zcit_login_free(struct zcit_login *l)
{
	zcit_text_in_free(&l->in);
	zcit_text_out_free(&l->out);
	memzero_explicit(&l->pol.auth, sizeof(l->pol.auth));
	memzero_explicit(&l->chap, sizeof(l->chap));
}

static void zcit_login_fill_rsp(struct zcit_login *l,
				const struct iscsi_login_req *req,
				struct iscsi_login_rsp *rsp, u8 flags, u32 dlen)
{
	memset(rsp, 0, sizeof(*rsp));
	rsp->opcode = ISCSI_OP_LOGIN_RSP;
	rsp->flags = flags;
	rsp->max_version = ZCIT_ISCSI_VERSION;
	rsp->active_version = ZCIT_ISCSI_VERSION;
	hton24(rsp->dlength, dlen);
	memcpy(rsp->isid, req->isid, sizeof(rsp->isid));
	rsp->tsih = cpu_to_be16(l->tsih);
	rsp->itt = req->itt;
	/* RFC 7143 11.13.4: each response carries the next StatSN. */
	rsp->statsn = cpu_to_be32(l->statsn++);
	/* Login requests are immediate: they do not advance CmdSN. */
	rsp->exp_cmdsn = cpu_to_be32(l->cmdsn);
	rsp->max_cmdsn = cpu_to_be32(l->cmdsn + l->pol.cmdsn_depth - 1);
	rsp->status_class = l->status >> 8;
	rsp->status_detail = l->status & 0xff;
}

/**
 * zcit_login_reject() - end a login with a refusal
 * @l: the state
 * @req: the request being answered
 * @status: a ZCIT_LS_* refusal
 * @rsp: the response to build (no data segment)
 *
 * Return: %ZCIT_LOGIN_FAIL.
 */
enum zcit_login_result zcit_login_reject(struct zcit_login *l,
					 const struct iscsi_login_req *req,
					 u16 status,
					 struct iscsi_login_rsp *rsp)
{
	l->status = status;
	if (!l->started)
		l->statsn = be32_to_cpu(req->exp_statsn);
	/*
	 * RFC 7143 11.13.3: only the final response of a new session that
	 * succeeds carries the TSIH ops->complete() set; any other carries
	 * the initiator's (0 for a new session, the session's on a
	 * connection joining one).
	 */
	l->tsih = be16_to_cpu(req->tsih);
	zcit_login_fill_rsp(l, req, rsp,
			    req->flags & ISCSI_FLAG_LOGIN_CURRENT_STAGE_MASK, 0);
	return ZCIT_LOGIN_FAIL;
}

/*
 * RFC 7143 11.12: the header checks that do not depend on the stage.
 * Return a ZCIT_LS_* status.
 */
static u16 zcit_login_check_hdr(struct zcit_login *l,
				const struct iscsi_login_req *req)
{
	u8 flags = req->flags;
	u8 csg = ISCSI_LOGIN_CURRENT_STAGE(flags);
	u8 nsg = ISCSI_LOGIN_NEXT_STAGE(flags);
	bool transit = flags & ISCSI_FLAG_LOGIN_TRANSIT;

	/* 11.12.4: we speak version 0 only. */
	if (req->min_version > ZCIT_ISCSI_VERSION ||
	    req->max_version < ZCIT_ISCSI_VERSION)
		return ZCIT_LS_NO_VERSION;
	/* 11.12.2: T and C together are a protocol error. */
	if (transit && (flags & ISCSI_FLAG_LOGIN_CONTINUE))
		return ZCIT_LS_INIT_ERR;
	/* 11.12.3: stage 2 is reserved and a login is never in stage 3. */
	if (csg != ZCIT_STAGE_SECURITY && csg != ZCIT_STAGE_OPERATIONAL)
		return ZCIT_LS_INIT_ERR;
	/* 6.3: transitions only go forward, never to stage 2. */
	if (transit && (nsg == 2 || nsg <= csg))
		return ZCIT_LS_INIT_ERR;

	if (!l->started)
		return ZCIT_LS_OK;
	/* 11.12.5-6: ISID, TSIH and CID stay what the first request said. */
	if (memcmp(req->isid, l->isid, sizeof(l->isid)) ||
	    be16_to_cpu(req->tsih) != l->tsih ||
	    be16_to_cpu(req->cid) != l->cid)
		return ZCIT_LS_INIT_ERR;
	if (csg != l->stage)
		return ZCIT_LS_INIT_ERR;
	return ZCIT_LS_OK;
}

static bool zcit_is_name_key(const char *key)
{
	return !strcmp(key, "InitiatorName") || !strcmp(key, "TargetName") ||
	       !strcmp(key, "SessionType");
}

/*
 * The first request (RFC 7143 6.3.1): InitiatorName is required,
 * SessionType defaults to Normal, which requires TargetName.  The names are
 * read from a copy so that the main pass can walk the request afterwards.
 */
static u16 zcit_login_scan_names(struct zcit_login *l)
{
	bool seen_in = false, seen_tn = false, seen_st = false;
	char *copy;
	struct zcit_kv kv;
	u32 pos = 0;
	u16 status = ZCIT_LS_OK;
	int ret;

	copy = kmemdup(l->in.buf, l->in.len + 1, GFP_KERNEL);
	if (!copy)
		return ZCIT_LS_NO_RESOURCES;

	while ((ret = zcit_text_next(copy, l->in.len, &pos, &kv)) > 0) {
		bool *seen;
		char *dst;
		size_t size;

		if (!strcmp(kv.key, "InitiatorName")) {
			seen = &seen_in;
			dst = l->initiator_name;
			size = sizeof(l->initiator_name);
		} else if (!strcmp(kv.key, "TargetName")) {
			seen = &seen_tn;
			dst = l->target_name;
			size = sizeof(l->target_name);
		} else if (!strcmp(kv.key, "SessionType")) {
			/* 13.21: Discovery or Normal, nothing else. */
			if (seen_st) {
				status = ZCIT_LS_INIT_ERR;
				break;
			}
			seen_st = true;
			if (!strcmp(kv.val, "Discovery")) {
				l->discovery = true;
			} else if (strcmp(kv.val, "Normal")) {
				status = ZCIT_LS_NO_SESS_TYPE;
				break;
			}
			continue;
		} else {
			continue;
		}
		/* 6.2: a key once per login; 4.2.7.1: names of 223 bytes. */
		if (*seen || kv.vlen >= size || zcit_check_iscsi_name(kv.val)) {
			status = ZCIT_LS_INIT_ERR;
			break;
		}
		*seen = true;
		strscpy(dst, kv.val, size);
	}
	kfree(copy);
	if (ret < 0)
		return ZCIT_LS_INIT_ERR;
	if (status)
		return status;
	if (!seen_in || (!l->discovery && !seen_tn))
		return ZCIT_LS_MISSING;
	if (l->discovery)
		l->target_name[0] = '\0';
	return ZCIT_LS_OK;
}

static bool zcit_auth_allows_none(const struct zcit_login *l)
{
	char sel[8];

	return !zcit_list_select("None", l->pol.params.val[ZCIT_KEY_AUTHMETHOD],
				 sel, sizeof(sel));
}

/* RFC 7143 12.1: AuthMethod, answered once. */
static u16 zcit_login_authmethod(struct zcit_login *l, const char *val)
{
	char sel[ZCIT_PARAM_MAX_LEN + 1];
	int ret;

	if (l->auth != ZCIT_AUTH_START)
		return ZCIT_LS_INIT_ERR;
	ret = zcit_list_select(val, l->pol.params.val[ZCIT_KEY_AUTHMETHOD],
			       sel, sizeof(sel));
	if (ret == -ENOENT) {
		l->auth = ZCIT_AUTH_REJECTED;
		return zcit_text_add(&l->out, "AuthMethod", "Reject") ?
		       ZCIT_LS_NO_RESOURCES : ZCIT_LS_OK;
	}
	if (ret)
		return ZCIT_LS_INIT_ERR;
	if (!strcmp(sel, "None"))
		l->auth = ZCIT_AUTH_DONE;
	else if (!strcmp(sel, "CHAP"))
		l->auth = ZCIT_AUTH_CHAP_A;
	else
		return ZCIT_LS_TARGET_ERR; /* a method we list but lack */
	return zcit_text_add(&l->out, "AuthMethod", sel) ?
	       ZCIT_LS_NO_RESOURCES : ZCIT_LS_OK;
}

/* The CHAP keys of one request (RFC 7143 12.1.3). */
struct zcit_chap_keys {
	const char *a, *n, *r, *i, *c;
};

static u16 zcit_login_chap_key(struct zcit_chap_keys *k, const struct zcit_kv *kv)
{
	const char **slot;

	if (!strcmp(kv->key, "CHAP_A"))
		slot = &k->a;
	else if (!strcmp(kv->key, "CHAP_N"))
		slot = &k->n;
	else if (!strcmp(kv->key, "CHAP_R"))
		slot = &k->r;
	else if (!strcmp(kv->key, "CHAP_I"))
		slot = &k->i;
	else if (!strcmp(kv->key, "CHAP_C"))
		slot = &k->c;
	else
		return ZCIT_LS_INIT_ERR;
	if (*slot)
		return ZCIT_LS_INIT_ERR;
	*slot = kv->val;
	return ZCIT_LS_OK;
}

/* One step of CHAP once the request's keys are all known. */
static u16 zcit_login_chap(struct zcit_login *l, const struct zcit_chap_keys *k)
{
	const struct zcit_auth *a = &l->pol.auth;
	u32 need = ZCIT_AUTH_USERID | ZCIT_AUTH_PASSWORD;
	u32 mutual = ZCIT_AUTH_USERID_MUTUAL | ZCIT_AUTH_PASSWORD_MUTUAL;
	int ret;

	if (!k->a && !k->n && !k->r && !k->i && !k->c)
		return ZCIT_LS_OK;

	if (l->auth == ZCIT_AUTH_CHAP_A) {
		/* First step: CHAP_A alone, answered with a challenge. */
		if (!k->a || k->n || k->r || k->i || k->c)
			return ZCIT_LS_AUTH_FAILED;
		if (zcit_chap_choose(&l->chap, k->a))
			return ZCIT_LS_AUTH_FAILED;
		if (zcit_chap_challenge(&l->chap, &l->out))
			return ZCIT_LS_NO_RESOURCES;
		l->auth = ZCIT_AUTH_CHAP_R;
		return ZCIT_LS_OK;
	}
	if (l->auth != ZCIT_AUTH_CHAP_R)
		return ZCIT_LS_AUTH_FAILED;

	/* Second step: CHAP_N and CHAP_R, with CHAP_I/CHAP_C for mutual. */
	if (k->a || !k->n || !k->r || !k->i != !k->c)
		return ZCIT_LS_AUTH_FAILED;
	if ((a->flags & need) != need || strcmp(k->n, a->userid))
		return ZCIT_LS_AUTH_FAILED;
	if (zcit_chap_verify(&l->chap, a->password, k->r))
		return ZCIT_LS_AUTH_FAILED;

	/*
	 * Mutual CHAP: configured credentials require it, as in
	 * iscsi_target_mod; and 12.1.3 forbids one secret for both ways.
	 */
	if ((a->flags & mutual) == mutual) {
		if (!k->c || !strcmp(a->password, a->password_mutual))
			return ZCIT_LS_AUTH_FAILED;
		if (zcit_text_add(&l->out, "CHAP_N", a->userid_mutual))
			return ZCIT_LS_NO_RESOURCES;
		ret = zcit_chap_respond(&l->chap, a->password_mutual, k->i,
					k->c, &l->out);
		if (ret == -ENOSPC)
			return ZCIT_LS_NO_RESOURCES;
		if (ret)
			return ZCIT_LS_AUTH_FAILED;
	} else if (k->c) {
		return ZCIT_LS_AUTH_FAILED;
	}
	l->auth = ZCIT_AUTH_DONE;
	return ZCIT_LS_OK;
}

/* Walk the keys of a complete request in stage @csg. */
static u16 zcit_login_keys(struct zcit_login *l, u8 csg, bool first)
{
	struct zcit_chap_keys chap = {};
	struct zcit_kv kv;
	u32 pos = 0;
	u16 status;
	int ret;

	while ((ret = zcit_text_next(l->in.buf, l->in.len, &pos, &kv)) > 0) {
		if (zcit_is_name_key(kv.key)) {
			/* 6.3.1: only in the first request, read already. */
			if (!first)
				return ZCIT_LS_INIT_ERR;
			continue;
		}
		if (!strcmp(kv.key, "AuthMethod")) {
			if (csg != ZCIT_STAGE_SECURITY)
				return ZCIT_LS_INIT_ERR;
			status = zcit_login_authmethod(l, kv.val);
			if (status)
				return status;
			continue;
		}
		if (!strncmp(kv.key, "CHAP_", 5)) {
			/* 12.1.3: CHAP keys belong to the security stage. */
			if (csg != ZCIT_STAGE_SECURITY)
				return ZCIT_LS_INIT_ERR;
			status = zcit_login_chap_key(&chap, &kv);
			if (status)
				return status;
			continue;
		}
		ret = zcit_nego_key(&l->nego, kv.key, kv.val, &l->out);
		if (ret == -ENOSPC)
			return ZCIT_LS_NO_RESOURCES;
		if (ret)
			return ZCIT_LS_INIT_ERR;
	}
	if (ret < 0)
		return ZCIT_LS_INIT_ERR;
	return zcit_login_chap(l, &chap);
}

/*
 * May the security stage end?  Return a ZCIT_LS_* status and set *ready
 * when the target agrees to transit now.
 */
static u16 zcit_login_security_done(struct zcit_login *l, bool *ready)
{
	*ready = false;
	switch (l->auth) {
	case ZCIT_AUTH_DONE:
		*ready = true;
		return ZCIT_LS_OK;
	case ZCIT_AUTH_START:
		/* No AuthMethod offered: that is None (12.1). */
		if (!zcit_auth_allows_none(l))
			return ZCIT_LS_AUTH_FAILED;
		l->auth = ZCIT_AUTH_DONE;
		*ready = true;
		return ZCIT_LS_OK;
	case ZCIT_AUTH_REJECTED:
		return ZCIT_LS_AUTH_FAILED;
	default:
		/* CHAP under way: 6.3 lets the target hold the stage. */
		return ZCIT_LS_OK;
	}
}

/*
 * Send the next piece of @l->out.  @l->rsp_flags are the flags of the whole
 * answer; a transit they ask for happens with the last piece only.
 */
static enum zcit_login_result
zcit_login_answer(struct zcit_login *l, const struct iscsi_login_req *req,
		  struct iscsi_login_rsp *rsp, const void **rsp_data)
{
	u8 flags = l->rsp_flags;
	u8 nsg = ISCSI_LOGIN_NEXT_STAGE(flags);
	bool more;
	u16 status;
	u32 n;

	n = zcit_text_out_chunk(&l->out, ZCIT_TEXT_PDU_MAX,
				(const char **)rsp_data, &more);
	if (more) {
		/*
		 * 11.13.2: the rest follows; no transit meanwhile, so the
		 * initiator stays in (and keeps sending) the current stage.
		 */
		zcit_login_fill_rsp(l, req, rsp,
				    (flags & ISCSI_FLAG_LOGIN_CURRENT_STAGE_MASK) |
				    ISCSI_FLAG_LOGIN_CONTINUE, n);
		return ZCIT_LOGIN_REPLY;
	}
	if (!(flags & ISCSI_FLAG_LOGIN_TRANSIT)) {
		zcit_login_fill_rsp(l, req, rsp, flags, n);
		return ZCIT_LOGIN_REPLY;
	}
	if (nsg == ZCIT_STAGE_FFP) {
		/*
		 * Into Full Feature Phase (6.3.6).  Only now: the TSIH of a
		 * new session belongs in the final response alone (11.13.3).
		 */
		status = l->ops->complete(l);
		if (status) {
			*rsp_data = NULL;
			return zcit_login_reject(l, req, status, rsp);
		}
	}
	l->stage = nsg;
	zcit_login_fill_rsp(l, req, rsp, flags, n);
	return nsg == ZCIT_STAGE_FFP ? ZCIT_LOGIN_DONE : ZCIT_LOGIN_REPLY;
}

/* The first PDU of a login: the identifiers it carries for good. */
static void zcit_login_start(struct zcit_login *l,
			     const struct iscsi_login_req *req)
{
	memcpy(l->isid, req->isid, sizeof(l->isid));
	l->tsih = be16_to_cpu(req->tsih);
	l->cid = be16_to_cpu(req->cid);
	l->cmdsn = be32_to_cpu(req->cmdsn);
	/* 11.13.4: the first response sets the connection's StatSN. */
	l->statsn = be32_to_cpu(req->exp_statsn);
	l->stage = ISCSI_LOGIN_CURRENT_STAGE(req->flags);
	l->started = true;
}

/*
 * The first complete request is in: find the target and what applies to
 * the login there.  Return: 0 or a ZCIT_LS_* status.
 */
static u16 zcit_login_resolve(struct zcit_login *l, u8 csg)
{
	u16 status;

	status = zcit_login_scan_names(l);
	if (!status)
		status = l->ops->resolve(l);
	if (status)
		return status;
	if (zcit_nego_init(&l->nego, &l->pol.params, l->discovery,
			   l->tsih == 0))
		return ZCIT_LS_TARGET_ERR;
	l->resolved = true;
	/* 13.9: a normal session learns its portal group tag first. */
	if (!l->discovery &&
	    zcit_text_addf(&l->out, "TargetPortalGroupTag", "%u", l->pol.tpgt))
		return ZCIT_LS_NO_RESOURCES;
	/* 6.3: skipping security requires that None be allowed. */
	if (csg == ZCIT_STAGE_OPERATIONAL) {
		if (!zcit_auth_allows_none(l))
			return ZCIT_LS_AUTH_FAILED;
		l->auth = ZCIT_AUTH_DONE;
	}
	return 0;
}

/**
 * zcit_login_rx() - answer one Login Request
 * @l: the state
 * @req: the request's header; its opcode was checked by the caller
 * @data: its data segment (padding and digest removed)
 * @len: length of @data, at most %ZCIT_TEXT_PDU_MAX (checked by the caller)
 * @rsp: the response header to fill in
 * @rsp_data: set to the response's data segment, of the length in @rsp
 *
 * Must be called from process context: @l->ops may sleep, and CHAP uses
 * the crypto API.
 *
 * Return: what to do once @rsp is sent.
 */
enum zcit_login_result zcit_login_rx(struct zcit_login *l,
				     const struct iscsi_login_req *req,
				     const void *data, u32 len,
				     struct iscsi_login_rsp *rsp,
				     const void **rsp_data)
{
	u8 csg = ISCSI_LOGIN_CURRENT_STAGE(req->flags);
	u8 nsg = ISCSI_LOGIN_NEXT_STAGE(req->flags);
	bool transit = req->flags & ISCSI_FLAG_LOGIN_TRANSIT;
	bool first = !l->started;
	bool names;
	bool ready = true;
	u16 status;

	*rsp_data = NULL;
	status = zcit_login_check_hdr(l, req);
	if (status)
		return zcit_login_reject(l, req, status, rsp);
	if (first)
		zcit_login_start(l, req);

	/* 11.13.2: the initiator collects the rest of a long response. */
	if (l->out.sent < l->out.len) {
		if (len || transit)
			return zcit_login_reject(l, req, ZCIT_LS_INIT_ERR, rsp);
		return zcit_login_answer(l, req, rsp, rsp_data);
	}
	zcit_text_out_reset(&l->out);

	if (zcit_text_in_append(&l->in, data, len))
		return zcit_login_reject(l, req, ZCIT_LS_INIT_ERR, rsp);
	/* 11.12.2: C set: answer empty and wait for the rest. */
	if (req->flags & ISCSI_FLAG_LOGIN_CONTINUE) {
		zcit_login_fill_rsp(l, req, rsp, csg << 2, 0);
		return ZCIT_LOGIN_REPLY;
	}

	/*
	 * The names come in the first complete request, which may span
	 * several PDUs (C bit): its last PDU is not the first one.
	 */
	names = !l->resolved;
	if (names) {
		status = zcit_login_resolve(l, csg);
		if (status)
			return zcit_login_reject(l, req, status, rsp);
	}

	status = zcit_login_keys(l, csg, names);
	zcit_text_in_reset(&l->in);
	if (status)
		return zcit_login_reject(l, req, status, rsp);

	if (csg == ZCIT_STAGE_SECURITY && transit) {
		status = zcit_login_security_done(l, &ready);
		if (status)
			return zcit_login_reject(l, req, status, rsp);
	}
	if (csg == ZCIT_STAGE_OPERATIONAL &&
	    zcit_nego_declare(&l->nego, &l->out))
		return zcit_login_reject(l, req, ZCIT_LS_NO_RESOURCES, rsp);

	if (!transit || !ready) {
		l->rsp_flags = csg << 2;
		return zcit_login_answer(l, req, rsp, rsp_data);
	}

	/* Full Feature Phase needs a consistent outcome (6.3.6). */
	if (nsg == ZCIT_STAGE_FFP && zcit_nego_finish(&l->nego))
		return zcit_login_reject(l, req, ZCIT_LS_INIT_ERR, rsp);
	l->rsp_flags = ISCSI_FLAG_LOGIN_TRANSIT | (csg << 2) | nsg;
	return zcit_login_answer(l, req, rsp, rsp_data);
}
