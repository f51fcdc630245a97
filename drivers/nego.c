// SPDX-License-Identifier: GPL-2.0
/*
 * zcit protocol engine: negotiation of the RFC 7143 section 13 keys,
 * target (responder) side, following the rules of RFC 7143 6.2 and 6.3.
 *
 * Pure code: no sockets, no LIO calls.  KUnit tests it directly.
 *
 * The initiator proposes, the target answers each key in the response.
 * The target itself only declares (MaxRecvDataSegmentLength, TargetAlias):
 * a key the initiator does not propose keeps its RFC default.
 *
 * The TPG's param/ values mean what they mean to iscsi_target_mod, so that
 * one configuration negotiates the same with either fabric; where its
 * rules differ from a literal reading of RFC 7143, which one zcit follows
 * and why is in Documentation/negotiation.md.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/ctype.h>
#include <linux/bitops.h>
#include <zcit/nego.h>

enum zcit_nego_type {
	ZN_DIGEST,	/* RFC 7143 13.1: list of CRC32C, None */
	ZN_OR,		/* boolean, result function OR (RFC 7143 6.2.2) */
	ZN_AND,		/* boolean, result function AND */
	ZN_MIN,		/* number, result function Minimum */
	ZN_MAX,		/* number, result function Maximum */
	ZN_MRDSL,	/* RFC 7143 13.12: declared per direction */
	ZN_IALIAS,	/* RFC 7143 13.7: declared by the initiator */
	ZN_MARKER,	/* RFC 7143 13.25: obsolete IFMarker, OFMarker */
	ZN_MARKINT,	/* RFC 7143 13.25: obsolete IFMarkInt, OFMarkInt */
	ZN_TASKREP,	/* RFC 7143 13.23: TaskReporting */
	ZN_PROTOLEVEL,	/* RFC 7144 2.1: iSCSIProtocolLevel */
	ZN_RDMA,	/* RFC 7145 6.3.1: RDMAExtensions, we have no iSER */
	ZN_TARGET_ONLY,	/* only the target may send it: protocol error */
	ZN_SENDTARGETS,	/* RFC 7143 13.3: only in a text request */
	ZN_LOGIN,	/* the login layer's: -ENOENT */
};

/* RFC 7143 13: "Use: LO", answered Irrelevant on other connections. */
#define ZN_LO		BIT(0)
/* RFC 7143 13: "Irrelevant when: SessionType=Discovery". */
#define ZN_NODISC	BIT(1)

/**
 * struct zcit_nego_desc - how the target answers one key
 * @name: the key
 * @type: &enum zcit_nego_type
 * @flags: ZN_LO, ZN_NODISC
 * @id: bit in &zcit_nego.seen, and for the &enum zcit_key ones the TPG
 *	value and result field; -1 when not tracked
 * @min: smallest admissible number
 * @max: largest admissible number
 */
struct zcit_nego_desc {
	const char *name;
	enum zcit_nego_type type;
	u8 flags;
	s8 id;
	u32 min;
	u32 max;
};

#define ZN_SEG_MAX	16777215	/* 2^24 - 1 */

static const struct zcit_nego_desc zcit_nego_keys[] = {
	/* RFC 7143 13.1 */
	{ "HeaderDigest", ZN_DIGEST, 0, ZCIT_KEY_HEADERDIGEST },
	{ "DataDigest", ZN_DIGEST, 0, ZCIT_KEY_DATADIGEST },
	/* RFC 7143 13.2 */
	{ "MaxConnections", ZN_MIN, ZN_LO | ZN_NODISC,
	  ZCIT_KEY_MAXCONNECTIONS, 1, 65535 },
	/* RFC 7143 13.10, 13.11 */
	{ "InitialR2T", ZN_OR, ZN_LO | ZN_NODISC, ZCIT_KEY_INITIALR2T },
	{ "ImmediateData", ZN_AND, ZN_LO | ZN_NODISC, ZCIT_KEY_IMMEDIATEDATA },
	/* RFC 7143 13.12: "Use: ALL", connection-only */
	{ "MaxRecvDataSegmentLength", ZN_MRDSL, 0,
	  ZCIT_KEY_MAXRECVDATASEGMENTLENGTH, 512, ZN_SEG_MAX },
	/* RFC 7143 13.13, 13.14 */
	{ "MaxBurstLength", ZN_MIN, ZN_LO | ZN_NODISC,
	  ZCIT_KEY_MAXBURSTLENGTH, 512, ZN_SEG_MAX },
	{ "FirstBurstLength", ZN_MIN, ZN_LO | ZN_NODISC,
	  ZCIT_KEY_FIRSTBURSTLENGTH, 512, ZN_SEG_MAX },
	/* RFC 7143 13.15, 13.16 */
	{ "DefaultTime2Wait", ZN_MAX, ZN_LO, ZCIT_KEY_DEFAULTTIME2WAIT,
	  0, 3600 },
	{ "DefaultTime2Retain", ZN_MIN, ZN_LO, ZCIT_KEY_DEFAULTTIME2RETAIN,
	  0, 3600 },
	/* RFC 7143 13.17, 13.18, 13.19 */
	{ "MaxOutstandingR2T", ZN_MIN, ZN_LO | ZN_NODISC,
	  ZCIT_KEY_MAXOUTSTANDINGR2T, 1, 65535 },
	{ "DataPDUInOrder", ZN_OR, ZN_LO | ZN_NODISC,
	  ZCIT_KEY_DATAPDUINORDER },
	{ "DataSequenceInOrder", ZN_OR, ZN_LO | ZN_NODISC,
	  ZCIT_KEY_DATASEQUENCEINORDER },
	/* RFC 7143 13.20 */
	{ "ErrorRecoveryLevel", ZN_MIN, ZN_LO, ZCIT_KEY_ERRORRECOVERYLEVEL,
	  0, 2 },
	/* RFC 7143 13.25 */
	{ "IFMarker", ZN_MARKER, 0, ZCIT_KEY_IFMARKER },
	{ "OFMarker", ZN_MARKER, 0, ZCIT_KEY_OFMARKER },
	{ "IFMarkInt", ZN_MARKINT, 0, ZCIT_KEY_IFMARKINT },
	{ "OFMarkInt", ZN_MARKINT, 0, ZCIT_KEY_OFMARKINT },
	/* RFC 7143 13.7 */
	{ "InitiatorAlias", ZN_IALIAS, 0, ZCIT_XKEY_INITIATORALIAS },
	/* RFC 7143 13.23 */
	{ "TaskReporting", ZN_TASKREP, ZN_LO | ZN_NODISC,
	  ZCIT_XKEY_TASKREPORTING },
	/* RFC 7144 2.1 */
	{ "iSCSIProtocolLevel", ZN_PROTOLEVEL, ZN_LO, ZCIT_XKEY_PROTOCOLLEVEL,
	  0, 31 },
	{ "RDMAExtensions", ZN_RDMA, ZN_LO, -1 },
	/* RFC 7143 13.6, 13.8, 13.9: "Senders: Target" */
	{ "TargetAlias", ZN_TARGET_ONLY, 0, -1 },
	{ "TargetAddress", ZN_TARGET_ONLY, 0, -1 },
	{ "TargetPortalGroupTag", ZN_TARGET_ONLY, 0, -1 },
	{ "SendTargets", ZN_SENDTARGETS, 0, -1 },
	/* RFC 7143 13.4, 13.5, 13.21, 12.1: the login layer's */
	{ "InitiatorName", ZN_LOGIN, 0, -1 },
	{ "TargetName", ZN_LOGIN, 0, -1 },
	{ "SessionType", ZN_LOGIN, 0, -1 },
	{ "AuthMethod", ZN_LOGIN, 0, -1 },
};

/* Our iSCSIProtocolLevel: RFC 7143 (RFC 7144 2.1). */
#define ZCIT_PROTOCOL_LEVEL	1
/* RFC 7143 13.12: MaxRecvDataSegmentLength when none was declared. */
#define ZCIT_DEFAULT_DSL	8192

static const struct zcit_nego_desc *zcit_nego_find(const char *key)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(zcit_nego_keys); i++)
		if (!strcmp(zcit_nego_keys[i].name, key))
			return &zcit_nego_keys[i];
	return NULL;
}

/**
 * zcit_num_parse() - parse an RFC 7143 6.1 numerical-value
 * @val: the text: a decimal-constant ("0", "8192"; leading zeros are read
 *	as decimal) or a hex-constant ("0x2000", "0X2000")
 * @max: largest value accepted
 * @out: the value
 *
 * Nothing but digits is accepted: no sign, no spaces, no empty string.
 * RFC 7143 6.1 bounds numerical values below 2^64; anything larger is an
 * overflow, detected before it happens.
 *
 * Return: 0, -EINVAL for bad syntax, or -ERANGE above @max or 2^64 - 1.
 */
int zcit_num_parse(const char *val, u64 max, u64 *out)
{
	unsigned int base = 10, d;
	u64 v = 0;

	if ((val[0] == '0') && (val[1] == 'x' || val[1] == 'X')) {
		base = 16;
		val += 2;
	}
	if (!*val)
		return -EINVAL;
	for (; *val; val++) {
		char c = *val;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -EINVAL;
		if (v > (U64_MAX - d) / base) {
			/* Finish the syntax check: bad syntax wins. */
			for (val++; *val; val++)
				if (!isxdigit(*val) ||
				    (base == 10 && !isdigit(*val)))
					return -EINVAL;
			return -ERANGE;
		}
		v = v * base + d;
	}
	if (v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

/* Whether the comma-separated @list holds the word [@w, @w + @len). */
static bool zcit_list_has(const char *list, const char *w, size_t len)
{
	for (;;) {
		size_t l = strcspn(list, ",");

		if (l == len && !strncmp(list, w, len))
			return true;
		if (!list[l])
			return false;
		list += l + 1;
	}
}

/**
 * zcit_list_select() - choose a value of a list negotiation
 * @offered: the proposer's list, comma-separated, in its order of preference
 * @allowed: the values we accept, comma-separated
 * @out: the value chosen
 * @size: size of @out
 *
 * RFC 7143 6.2.1: the responder answers the first value of the proposer's
 * list that it supports.  Empty elements ("a,,b") never match.
 *
 * Return: 0 with the value in @out, -ENOENT when no offered value is
 * allowed (the answer is then "Reject"), -ENOSPC if @out is too small.
 */
int zcit_list_select(const char *offered, const char *allowed,
		     char *out, size_t size)
{
	const char *p = offered;

	for (;;) {
		size_t len = strcspn(p, ",");

		if (len && zcit_list_has(allowed, p, len)) {
			if (len >= size)
				return -ENOSPC;
			memcpy(out, p, len);
			out[len] = '\0';
			return 0;
		}
		if (!p[len])
			return -ENOENT;
		p += len + 1;
	}
}

/* RFC 7143 6.1 boolean-value: exactly "Yes" or "No". */
static int zcit_bool_parse(const char *val, bool *out)
{
	if (!strcmp(val, "Yes"))
		*out = true;
	else if (!strcmp(val, "No"))
		*out = false;
	else
		return -EINVAL;
	return 0;
}

static const char *zcit_yes_no(bool b)
{
	return b ? "Yes" : "No";
}

/* A TPG number; param.c validated it, so parsing cannot fail. */
static u32 zcit_tpg_num(const struct zcit_nego *n, enum zcit_key key)
{
	u64 v;

	if (zcit_num_parse(n->tpg->val[key], U32_MAX, &v))
		return 0;
	return v;
}

/*
 * The target's preference for a boolean key.  zcit takes data in order
 * only (see xfer.c): whatever param/ says, it wants DataPDUInOrder and
 * DataSequenceInOrder, and with OR as their result function (RFC 7143
 * 13.18, 13.19) that is what the session gets.
 */
static bool zcit_tpg_bool(const struct zcit_nego *n, enum zcit_key key)
{
	if (key == ZCIT_KEY_DATAPDUINORDER ||
	    key == ZCIT_KEY_DATASEQUENCEINORDER)
		return true;
	return !strcmp(n->tpg->val[key], "Yes");
}

/* The target's preference for a Minimum/Maximum key. */
static u32 zcit_tpg_pref(const struct zcit_nego *n, enum zcit_key key)
{
	u32 v = zcit_tpg_num(n, key);

	/*
	 * RFC 7143 13.14: FirstBurstLength MUST NOT exceed MaxBurstLength.
	 * param/ does not cross-check the two, so keep the target's own
	 * preferences consistent, and, as iscsi_target_mod does, answer
	 * no more than the MaxBurstLength agreed so far (the default,
	 * 262144, until the initiator proposed one), so that an
	 * initiator offering FirstBurstLength above its own MaxBurstLength
	 * gets a consistent answer instead of a failed login.
	 */
	if (key == ZCIT_KEY_FIRSTBURSTLENGTH)
		v = min3(v, zcit_tpg_num(n, ZCIT_KEY_MAXBURSTLENGTH),
			 n->res.max_burst);
	/*
	 * zcit recovers from errors at level 0 only (drops the connection):
	 * it offers no more whatever param/ says (RFC 7143 13.20: the result
	 * is the minimum).
	 */
	if (key == ZCIT_KEY_ERRORRECOVERYLEVEL)
		v = 0;
	return v;
}

static void zcit_res_set(struct zcit_sess_params *r, int id, u32 v)
{
	switch (id) {
	case ZCIT_KEY_HEADERDIGEST:
		r->header_digest = v;
		break;
	case ZCIT_KEY_DATADIGEST:
		r->data_digest = v;
		break;
	case ZCIT_KEY_MAXCONNECTIONS:
		r->max_connections = v;
		break;
	case ZCIT_KEY_INITIALR2T:
		r->initial_r2t = v;
		break;
	case ZCIT_KEY_IMMEDIATEDATA:
		r->immediate_data = v;
		break;
	case ZCIT_KEY_MAXBURSTLENGTH:
		r->max_burst = v;
		break;
	case ZCIT_KEY_FIRSTBURSTLENGTH:
		r->first_burst = v;
		break;
	case ZCIT_KEY_DEFAULTTIME2WAIT:
		r->time2wait = v;
		break;
	case ZCIT_KEY_DEFAULTTIME2RETAIN:
		r->time2retain = v;
		break;
	case ZCIT_KEY_MAXOUTSTANDINGR2T:
		r->max_r2t = v;
		break;
	case ZCIT_KEY_DATAPDUINORDER:
		r->data_pdu_in_order = v;
		break;
	case ZCIT_KEY_DATASEQUENCEINORDER:
		r->data_seq_in_order = v;
		break;
	case ZCIT_KEY_ERRORRECOVERYLEVEL:
		r->erl = v;
		break;
	}
}

/**
 * zcit_nego_init() - start the operational negotiation of a login
 * @n: the state
 * @tpg: the TPG's param/ values (target preferences); must outlive @n
 * @discovery: SessionType=Discovery
 * @leading: leading connection of its session (TSIH 0 in the request)
 *
 * The results start at the RFC 7143 section 13 defaults, which is what a
 * key the initiator does not propose ends up as: 8192 is the largest data
 * segment either side may send until the other has declared its
 * MaxRecvDataSegmentLength (RFC 7143 13.12).
 *
 * Return: 0, or -EINVAL without TPG values.
 */
int zcit_nego_init(struct zcit_nego *n, const struct zcit_params *tpg,
		   bool discovery, bool leading)
{
	struct zcit_sess_params *r = &n->res;

	memset(n, 0, sizeof(*n));
	if (!tpg)
		return -EINVAL;
	n->tpg = tpg;
	n->discovery = discovery;
	n->leading = leading;

	r->header_digest = false;	/* 13.1: None */
	r->data_digest = false;
	r->max_connections = 1;		/* 13.2 */
	r->initial_r2t = true;		/* 13.10 */
	r->immediate_data = true;	/* 13.11 */
	r->max_recv_dsl = ZCIT_DEFAULT_DSL;	/* 13.12 */
	r->max_xmit_dsl = ZCIT_DEFAULT_DSL;
	r->max_burst = 262144;		/* 13.13 */
	r->first_burst = 65536;		/* 13.14 */
	r->time2wait = 2;		/* 13.15 */
	r->time2retain = 20;		/* 13.16 */
	r->max_r2t = 1;			/* 13.17 */
	r->data_pdu_in_order = true;	/* 13.18 */
	r->data_seq_in_order = true;	/* 13.19 */
	r->erl = 0;			/* 13.20 */
	return 0;
}

/*
 * RFC 7143 13.12: the target declares what it receives, once per login.
 * Which param/ value it declares is iscsi_target_mod's rule: in answer to
 * the initiator's own declaration, MaxXmitDataSegmentLength (262144 by
 * default: iscsi_target_mod takes that name for "what the initiator may
 * transmit to us"); declaring first, before the initiator did,
 * MaxRecvDataSegmentLength (8192).
 */
static int zcit_declare_mrdsl(struct zcit_nego *n, enum zcit_key key,
			      struct zcit_text_out *out)
{
	u32 v = zcit_tpg_num(n, key);
	int ret;

	if (n->mrdsl_declared)
		return 0;
	ret = zcit_text_addf(out, "MaxRecvDataSegmentLength", "%u", v);
	if (ret)
		return ret;
	n->mrdsl_declared = true;
	n->res.max_recv_dsl = v;
	return 0;
}

static int zcit_answer_num(struct zcit_nego *n,
			   const struct zcit_nego_desc *d, const char *val,
			   struct zcit_text_out *out)
{
	u32 pref, res;
	u64 v;

	/*
	 * RFC 7143 6.2.2: an out-of-range or malformed value is answered
	 * Reject, and the key keeps its current (default) value.
	 */
	if (zcit_num_parse(val, d->max, &v) || v < d->min)
		return zcit_text_add(out, d->name, "Reject");

	if (d->type == ZN_PROTOLEVEL) {
		/* RFC 7144 2.1: Minimum of the two levels. */
		return zcit_text_addf(out, d->name, "%u",
				      min_t(u32, v, ZCIT_PROTOCOL_LEVEL));
	}

	pref = zcit_tpg_pref(n, d->id);
	if (d->type == ZN_MIN)
		res = min_t(u32, v, pref);
	else
		res = max_t(u32, v, pref);
	zcit_res_set(&n->res, d->id, res);
	return zcit_text_addf(out, d->name, "%u", res);
}

static int zcit_answer_bool(struct zcit_nego *n,
			    const struct zcit_nego_desc *d, const char *val,
			    struct zcit_text_out *out)
{
	bool v, pref = zcit_tpg_bool(n, d->id);

	/* RFC 7143 6.2.2: an invalid boolean is answered Reject. */
	if (zcit_bool_parse(val, &v))
		return zcit_text_add(out, d->name, "Reject");
	/* RFC 7143 6.2.2: result functions OR and AND. */
	v = d->type == ZN_OR ? v || pref : v && pref;
	zcit_res_set(&n->res, d->id, v);
	return zcit_text_add(out, d->name, zcit_yes_no(v));
}

static int zcit_answer_list(struct zcit_nego *n,
			    const struct zcit_nego_desc *d, const char *val,
			    const char *allowed, struct zcit_text_out *out)
{
	char pick[ZCIT_TEXT_VALUE_MAX + 1];

	/* RFC 7143 6.2.1: first offered value we support, else Reject. */
	if (zcit_list_select(val, allowed, pick, sizeof(pick)))
		return zcit_text_add(out, d->name, "Reject");
	if (d->type == ZN_DIGEST)
		zcit_res_set(&n->res, d->id, !strcmp(pick, "CRC32C"));
	return zcit_text_add(out, d->name, pick);
}

/**
 * zcit_nego_key() - answer one operational key proposed by the initiator
 * @n: the state
 * @key: the key
 * @val: its value
 * @out: where the answer goes
 *
 * RFC 7143 6.2: list keys get the first offered value the TPG allows,
 * booleans the OR or AND of both sides, numbers the Minimum or Maximum;
 * malformed or inadmissible values get "Reject", keys irrelevant to this
 * session type or connection "Irrelevant" (RFC 7143 13), unknown and X-
 * or X# extension keys "NotUnderstood" (RFC 7143 6.2, 13.22).
 * MaxRecvDataSegmentLength is answered with the target's own declaration
 * unless it was already made; InitiatorAlias gets no answer; IFMarker and
 * OFMarker get "No", IFMarkInt and OFMarkInt "Reject" (RFC 7143 13.25).
 *
 * Return: 0 once answered; -ENOENT, without an answer, for a key of the
 * login layer (InitiatorName, TargetName, SessionType, AuthMethod, CHAP_*);
 * -EINVAL for a protocol error that must fail the login with an initiator
 * error: a key proposed twice in this login (RFC 7143 6.2), a key only the
 * target sends (TargetAlias, TargetAddress, TargetPortalGroupTag),
 * SendTargets (RFC 7143 13.3: text requests only), or a malformed or
 * out-of-range MaxRecvDataSegmentLength (a declaration cannot be
 * rejected); -ENOSPC when @out is full.
 */
int zcit_nego_key(struct zcit_nego *n, const char *key, const char *val,
		  struct zcit_text_out *out)
{
	const struct zcit_nego_desc *d = zcit_nego_find(key);
	u64 v;

	if (!d) {
		/* RFC 7143 12.1.3: CHAP's keys belong to the login layer. */
		if (!strncmp(key, "CHAP_", 5))
			return -ENOENT;
		/* RFC 7143 6.2: unknown keys, X- and X# ones included. */
		return zcit_text_add(out, key, "NotUnderstood");
	}

	if (d->type == ZN_LOGIN)
		return -ENOENT;
	if (d->type == ZN_TARGET_ONLY || d->type == ZN_SENDTARGETS)
		return -EINVAL;

	/* RFC 7143 6.2: negotiating or declaring a key twice fails login. */
	if (d->id >= 0 && __test_and_set_bit(d->id, n->seen))
		return -EINVAL;

	if (((d->flags & ZN_NODISC) && n->discovery) ||
	    ((d->flags & ZN_LO) && !n->leading))
		return zcit_text_add(out, key, "Irrelevant");

	switch (d->type) {
	case ZN_DIGEST:
		return zcit_answer_list(n, d, val, n->tpg->val[d->id], out);
	case ZN_TASKREP:
		/* RFC 7143 13.23: we offer RFC 3720 task reporting only. */
		return zcit_answer_list(n, d, val, "RFC3720", out);
	case ZN_OR:
	case ZN_AND:
		return zcit_answer_bool(n, d, val, out);
	case ZN_MIN:
	case ZN_MAX:
	case ZN_PROTOLEVEL:
		return zcit_answer_num(n, d, val, out);
	case ZN_MRDSL:
		/*
		 * RFC 7143 13.12: the initiator declares what it receives,
		 * which is what we send at most (iscsi_target_mod caps it
		 * with no param/ value either); a declaration is not
		 * answered Reject, so a bad one fails the login.  Our answer
		 * declares the TPG's MaxXmitDataSegmentLength.
		 */
		if (zcit_num_parse(val, d->max, &v) || v < d->min)
			return -EINVAL;
		n->res.max_xmit_dsl = v;
		return zcit_declare_mrdsl(n, ZCIT_KEY_MAXXMITDATASEGMENTLENGTH,
					  out);
	case ZN_IALIAS:
		/*
		 * RFC 7143 13.7: any UTF-8 text, empty included.  It is shown
		 * one per line (the ACL's info file, which targetcli parses):
		 * control characters become '?'.
		 */
		strscpy(n->res.initiator_alias, val,
			sizeof(n->res.initiator_alias));
		zcit_text_printable(n->res.initiator_alias);
		return 0;
	case ZN_MARKER:
		/* RFC 7143 13.25: "No" is allowed, NotUnderstood is not. */
		return zcit_text_add(out, key, "No");
	case ZN_MARKINT:
		/* RFC 7143 13.25: MUST answer Reject. */
		return zcit_text_add(out, key, "Reject");
	case ZN_RDMA:
		/* RFC 7145 6.3.1: AND with our "No": no iSER here. */
		return zcit_text_add(out, key, "No");
	case ZN_TARGET_ONLY:
	case ZN_SENDTARGETS:
	case ZN_LOGIN:
		break;	/* answered above */
	}
	return -EINVAL;
}

/**
 * zcit_nego_declare() - add the target's declarations to a response
 * @n: the state
 * @out: the response
 *
 * Declares MaxRecvDataSegmentLength (RFC 7143 13.12) unless the answer to
 * the initiator's declaration already did: the TPG's
 * MaxRecvDataSegmentLength, which is what iscsi_target_mod declares when
 * it speaks first (the answer declares MaxXmitDataSegmentLength); and
 * TargetAlias (RFC 7143 13.6) when the TPG's is not empty.  Each is
 * declared at most once per login; calling again adds nothing.  Call it
 * while in the operational negotiation stage: initiators (open-iscsi)
 * refuse MaxRecvDataSegmentLength during the security stage.
 *
 * Return: 0 or -ENOSPC.
 */
int zcit_nego_declare(struct zcit_nego *n, struct zcit_text_out *out)
{
	const char *alias = n->tpg->val[ZCIT_KEY_TARGETALIAS];
	int ret;

	ret = zcit_declare_mrdsl(n, ZCIT_KEY_MAXRECVDATASEGMENTLENGTH, out);
	if (ret)
		return ret;
	if (*alias && !n->alias_declared) {
		ret = zcit_text_add(out, "TargetAlias", alias);
		if (ret)
			return ret;
		strscpy(n->res.target_alias, alias,
			sizeof(n->res.target_alias));
		n->alias_declared = true;
	}
	return 0;
}

/* Whether the TPG's list for a digest key allows the value agreed. */
static bool zcit_digest_ok(const struct zcit_nego *n, enum zcit_key key,
			   bool crc)
{
	const char *v = crc ? "CRC32C" : "None";

	return zcit_list_has(n->tpg->val[key], v, strlen(v));
}

/**
 * zcit_nego_finish() - check the outcome once the operational stage ends
 * @n: the state
 *
 * Checks that FirstBurstLength does not exceed MaxBurstLength (RFC 7143
 * 13.14).  The target's preferences keep that rule, so a violation comes
 * from the initiator's own proposals (FirstBurstLength above the
 * MaxBurstLength it proposed, or above the default 262144 when it proposed
 * none).  Also checks that the digests agreed are in the TPG's lists: an
 * initiator that never proposed HeaderDigest or DataDigest, or went on
 * after a Reject, gets the default None, which a TPG asking for CRC32C
 * only does not allow.
 *
 * Return: 0, or -EINVAL: fail the login (initiator error).
 */
int zcit_nego_finish(struct zcit_nego *n)
{
	const struct zcit_sess_params *r = &n->res;

	if (r->first_burst > r->max_burst)
		return -EINVAL;
	if (!zcit_digest_ok(n, ZCIT_KEY_HEADERDIGEST, r->header_digest) ||
	    !zcit_digest_ok(n, ZCIT_KEY_DATADIGEST, r->data_digest))
		return -EINVAL;
	return 0;
}

static void zn_str(struct zcit_params *p, enum zcit_key key, const char *s)
{
	strscpy(p->val[key], s, sizeof(p->val[key]));
}

static void zn_num(struct zcit_params *p, enum zcit_key key, u32 v)
{
	snprintf(p->val[key], sizeof(p->val[key]), "%u", v);
}

/**
 * zcit_nego_to_params() - render negotiated values as param/ strings
 * @res: the values
 * @out: filled in the formats of the TPG's param/ files: "CRC32C" or
 *	"None", "Yes" or "No", decimal numbers
 *
 * AuthMethod is left empty: the login layer knows which method ran.
 * MaxRecvDataSegmentLength is what the target declared (the largest
 * segment it receives), MaxXmitDataSegmentLength the initiator's
 * declaration (the largest segment the target sends); the obsolete marker
 * keys read "No" and "Reject" (RFC 7143 13.25).
 */
void zcit_nego_to_params(const struct zcit_sess_params *res,
			 struct zcit_params *out)
{
	zn_str(out, ZCIT_KEY_AUTHMETHOD, "");
	zn_str(out, ZCIT_KEY_HEADERDIGEST,
	       res->header_digest ? "CRC32C" : "None");
	zn_str(out, ZCIT_KEY_DATADIGEST, res->data_digest ? "CRC32C" : "None");
	zn_num(out, ZCIT_KEY_MAXCONNECTIONS, res->max_connections);
	zn_str(out, ZCIT_KEY_TARGETALIAS, res->target_alias);
	zn_str(out, ZCIT_KEY_INITIALR2T, zcit_yes_no(res->initial_r2t));
	zn_str(out, ZCIT_KEY_IMMEDIATEDATA, zcit_yes_no(res->immediate_data));
	zn_num(out, ZCIT_KEY_MAXRECVDATASEGMENTLENGTH, res->max_recv_dsl);
	zn_num(out, ZCIT_KEY_MAXXMITDATASEGMENTLENGTH, res->max_xmit_dsl);
	zn_num(out, ZCIT_KEY_MAXBURSTLENGTH, res->max_burst);
	zn_num(out, ZCIT_KEY_FIRSTBURSTLENGTH, res->first_burst);
	zn_num(out, ZCIT_KEY_DEFAULTTIME2WAIT, res->time2wait);
	zn_num(out, ZCIT_KEY_DEFAULTTIME2RETAIN, res->time2retain);
	zn_num(out, ZCIT_KEY_MAXOUTSTANDINGR2T, res->max_r2t);
	zn_str(out, ZCIT_KEY_DATAPDUINORDER,
	       zcit_yes_no(res->data_pdu_in_order));
	zn_str(out, ZCIT_KEY_DATASEQUENCEINORDER,
	       zcit_yes_no(res->data_seq_in_order));
	zn_num(out, ZCIT_KEY_ERRORRECOVERYLEVEL, res->erl);
	zn_str(out, ZCIT_KEY_IFMARKER, "No");
	zn_str(out, ZCIT_KEY_OFMARKER, "No");
	zn_str(out, ZCIT_KEY_IFMARKINT, "Reject");
	zn_str(out, ZCIT_KEY_OFMARKINT, "Reject");
}
