// SPDX-License-Identifier: GPL-2.0
/*
 * zcit: TPG operational keys, TPG and ACL attributes, CHAP credentials.
 *
 * Pure code: everything here validates and formats configuration values
 * and calls neither the network stack nor LIO, so KUnit tests it directly.
 * Defaults and accepted ranges are iscsi_target_mod's, so that a
 * configuration saved from it restores onto zcit unchanged.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/ctype.h>
#include <zcit/param.h>

enum zcit_key_type {
	ZCIT_T_AUTH,		/* list of CHAP, None, KRB5, SPKM1, SPKM2, SRP */
	ZCIT_T_DIGEST,		/* list of CRC32C, None */
	ZCIT_T_BOOL,		/* Yes or No */
	ZCIT_T_NUM,		/* decimal number in [min, max] */
	ZCIT_T_TEXT,		/* RFC 7143 5.1 text-value: printable UTF-8 */
};

struct zcit_key_desc {
	const char *name;
	const char *def;
	enum zcit_key_type type;
	u32 min;
	u32 max;
};

/* RFC 7143 section 13 for the ranges; iscsi_target_mod for the defaults. */
/* What zcit does instead, for the log line of a refused value. */
#define ZCIT_UNUSED_AS_LIO \
	"stored and unused, as in iscsi_target_mod"
#define ZCIT_ERL0_ONLY \
	"zcit runs at ErrorRecoveryLevel 0 only"

static const struct zcit_key_desc zcit_keys[ZCIT_NR_KEYS] = {
	[ZCIT_KEY_AUTHMETHOD] = { "AuthMethod", "CHAP,None", ZCIT_T_AUTH },
	[ZCIT_KEY_HEADERDIGEST] = { "HeaderDigest", "CRC32C,None",
				    ZCIT_T_DIGEST },
	[ZCIT_KEY_DATADIGEST] = { "DataDigest", "CRC32C,None", ZCIT_T_DIGEST },
	[ZCIT_KEY_MAXCONNECTIONS] = { "MaxConnections", "1", ZCIT_T_NUM,
				      1, 65535 },
	[ZCIT_KEY_TARGETALIAS] = { "TargetAlias", "LIO Target", ZCIT_T_TEXT },
	[ZCIT_KEY_INITIALR2T] = { "InitialR2T", "Yes", ZCIT_T_BOOL },
	[ZCIT_KEY_IMMEDIATEDATA] = { "ImmediateData", "Yes", ZCIT_T_BOOL },
	[ZCIT_KEY_MAXRECVDATASEGMENTLENGTH] = { "MaxRecvDataSegmentLength",
						"8192", ZCIT_T_NUM,
						512, 16777215 },
	[ZCIT_KEY_MAXXMITDATASEGMENTLENGTH] = { "MaxXmitDataSegmentLength",
						"262144", ZCIT_T_NUM,
						512, 16777215 },
	[ZCIT_KEY_MAXBURSTLENGTH] = { "MaxBurstLength", "262144", ZCIT_T_NUM,
				      512, 16777215 },
	[ZCIT_KEY_FIRSTBURSTLENGTH] = { "FirstBurstLength", "65536",
					ZCIT_T_NUM, 512, 16777215 },
	[ZCIT_KEY_DEFAULTTIME2WAIT] = { "DefaultTime2Wait", "2", ZCIT_T_NUM,
					0, 3600 },
	[ZCIT_KEY_DEFAULTTIME2RETAIN] = { "DefaultTime2Retain", "20",
					  ZCIT_T_NUM, 0, 3600 },
	[ZCIT_KEY_MAXOUTSTANDINGR2T] = { "MaxOutstandingR2T", "1", ZCIT_T_NUM,
					 1, 65535 },
	[ZCIT_KEY_DATAPDUINORDER] = { "DataPDUInOrder", "Yes", ZCIT_T_BOOL },
	[ZCIT_KEY_DATASEQUENCEINORDER] = { "DataSequenceInOrder", "Yes",
					   ZCIT_T_BOOL },
	[ZCIT_KEY_ERRORRECOVERYLEVEL] = { "ErrorRecoveryLevel", "0",
					  ZCIT_T_NUM, 0, 2 },
	/* RFC 7143 13.25: markers are obsolete; LIO keeps the keys. */
	[ZCIT_KEY_IFMARKER] = { "IFMarker", "No", ZCIT_T_BOOL },
	[ZCIT_KEY_OFMARKER] = { "OFMarker", "No", ZCIT_T_BOOL },
	[ZCIT_KEY_IFMARKINT] = { "IFMarkInt", "Reject", ZCIT_T_TEXT },
	[ZCIT_KEY_OFMARKINT] = { "OFMarkInt", "Reject", ZCIT_T_TEXT },
};

static const char * const zcit_auth_methods[] = {
	"CHAP", "None", "KRB5", "SPKM1", "SPKM2", "SRP",
};

static const char * const zcit_digests[] = { "CRC32C", "None" };

/**
 * zcit_key_name() - name of a TPG key
 * @key: the key
 *
 * Return: the RFC 7143 key name, as used in configfs and on the wire.
 */
const char *zcit_key_name(enum zcit_key key)
{
	if (key >= ZCIT_NR_KEYS)
		return NULL;
	return zcit_keys[key].name;
}

/**
 * zcit_key_lookup() - find a TPG key by its name
 * @name: the key name; matched exactly (RFC 7143 6.1: keys are case-sensitive)
 *
 * Return: the &enum zcit_key, or -ENOENT.
 */
int zcit_key_lookup(const char *name)
{
	int i;

	for (i = 0; i < ZCIT_NR_KEYS; i++)
		if (!strcmp(zcit_keys[i].name, name))
			return i;
	return -ENOENT;
}

/**
 * zcit_params_init() - reset every TPG key to iscsi_target_mod's default
 * @p: the parameter set
 */
void zcit_params_init(struct zcit_params *p)
{
	int i;

	for (i = 0; i < ZCIT_NR_KEYS; i++)
		strscpy(p->val[i], zcit_keys[i].def, sizeof(p->val[i]));
}

static int zcit_parse_u32(const char *s, u32 *out)
{
	u32 v = 0;

	/* Decimal only, no sign, no leading zeros beyond a lone "0". */
	if (!*s || (s[0] == '0' && s[1]))
		return -EINVAL;
	for (; *s; s++) {
		if (!isdigit(*s))
			return -EINVAL;
		if (v > (U32_MAX - (*s - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (*s - '0');
	}
	*out = v;
	return 0;
}

/* Index of [s, s + len) in @words, or -1. */
static int zcit_word_index(const char *s, size_t len,
			   const char * const *words, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strlen(words[i]) == len && !strncmp(words[i], s, len))
			return i;
	return -1;
}

/* RFC 7143 6.1: a list-value is comma separated, none empty, no repeats. */
static int zcit_check_list(const char *value, const char * const *words,
			   size_t n)
{
	u32 seen = 0;
	const char *p = value;

	for (;;) {
		const char *comma = strchr(p, ',');
		int i = zcit_word_index(p, comma ? comma - p : strlen(p), words, n);

		if (i < 0 || (seen & BIT(i)))
			return -EINVAL;
		seen |= BIT(i);
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

static int zcit_check_text(const char *value)
{
	const unsigned char *p;

	/*
	 * Printable ASCII or UTF-8 bytes; no controls, and no comma, which
	 * would make it a list-value (RFC 7143 6.1) that iscsi_target_mod
	 * refuses for these keys.
	 */
	for (p = (const unsigned char *)value; *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == ',')
			return -EINVAL;
	return 0;
}

/**
 * zcit_param_check() - validate a value for a TPG key
 * @key: the key
 * @value: NUL-terminated candidate value, without a trailing newline
 *
 * Return: 0 if @value may be stored for @key, -EINVAL otherwise.
 */
int zcit_param_check(enum zcit_key key, const char *value)
{
	const struct zcit_key_desc *d;
	u32 v;

	if (key >= ZCIT_NR_KEYS || !value)
		return -EINVAL;
	d = &zcit_keys[key];
	if (!*value || strlen(value) > ZCIT_PARAM_MAX_LEN)
		return -EINVAL;

	switch (d->type) {
	case ZCIT_T_AUTH:
		return zcit_check_list(value, zcit_auth_methods,
				       ARRAY_SIZE(zcit_auth_methods));
	case ZCIT_T_DIGEST:
		return zcit_check_list(value, zcit_digests,
				       ARRAY_SIZE(zcit_digests));
	case ZCIT_T_BOOL:
		return strcmp(value, "Yes") && strcmp(value, "No") ?
		       -EINVAL : 0;
	case ZCIT_T_NUM:
		if (zcit_parse_u32(value, &v) || v < d->min || v > d->max)
			return -EINVAL;
		return 0;
	case ZCIT_T_TEXT:
		return zcit_check_text(value);
	}
	return -EINVAL;
}

/**
 * zcit_param_unhonoured() - why zcit cannot honour a valid value of a key
 * @key: the key
 * @value: a value zcit_param_check() accepted
 *
 * zcit runs at ErrorRecoveryLevel 0, takes data PDUs and sequences in
 * order, has no markers (RFC 7143 13.25 made them obsolete) and
 * authenticates with CHAP only.  Values that ask for more are valid
 * RFC 7143 values that iscsi_target_mod stores, but zcit could only
 * negotiate them down without a word; none of them is in a configuration
 * iscsi_target_mod saves by default.
 *
 * Return: NULL if zcit honours @value for @key, else what zcit does
 * instead, for the log line of the refusal.
 */
const char *zcit_param_unhonoured(enum zcit_key key, const char *value)
{
	switch (key) {
	case ZCIT_KEY_ERRORRECOVERYLEVEL:
		return strcmp(value, "0") ? ZCIT_ERL0_ONLY : NULL;
	case ZCIT_KEY_DATAPDUINORDER:
	case ZCIT_KEY_DATASEQUENCEINORDER:
		return strcmp(value, "Yes") ?
		       "zcit takes data PDUs and sequences in order only" : NULL;
	case ZCIT_KEY_IFMARKER:
	case ZCIT_KEY_OFMARKER:
		return strcmp(value, "No") ?
		       "zcit has no markers (RFC 7143 13.25)" : NULL;
	case ZCIT_KEY_IFMARKINT:
	case ZCIT_KEY_OFMARKINT:
		return strcmp(value, "Reject") ?
		       "zcit has no markers (RFC 7143 13.25)" : NULL;
	case ZCIT_KEY_AUTHMETHOD:
		/* The first two of zcit_auth_methods[]. */
		return zcit_check_list(value, zcit_auth_methods, 2) ?
		       "zcit authenticates with CHAP or None only" : NULL;
	default:
		return NULL;
	}
}

/*
 * Copy a configfs write buffer into @dst, dropping one trailing newline.
 * Return: the copied length, or -EINVAL if it does not fit or holds a NUL.
 */
static int zcit_copy_store(char *dst, size_t size, const char *buf,
			   size_t count)
{
	if (count && buf[count - 1] == '\n')
		count--;
	if (count >= size || memchr(buf, '\0', count))
		return -EINVAL;
	memcpy(dst, buf, count);
	dst[count] = '\0';
	return count;
}

/**
 * zcit_param_store() - validate and store a configfs write to a TPG key
 * @p: the parameter set
 * @key: the key written
 * @buf: the bytes written (not NUL-terminated; one trailing newline allowed)
 * @count: how many bytes
 *
 * On error the old value is kept.
 *
 * Return: 0 or -EINVAL.
 */
int zcit_param_store(struct zcit_params *p, enum zcit_key key,
		     const char *buf, size_t count)
{
	return zcit_param_set(p, key, buf, count, NULL);
}

/**
 * zcit_param_set() - zcit_param_store() of a value zcit honours
 * @p: the parameter set
 * @key: the key written
 * @buf: the bytes written (not NUL-terminated; one trailing newline allowed)
 * @count: how many bytes
 * @why: set to what zcit does instead when a valid value is refused
 *	(zcit_param_unhonoured()), else to NULL; NULL: take every valid
 *	value (zcit_param_store())
 *
 * What the configfs files use; zcit_param_store() alone takes any valid
 * value, so that KUnit can check the login engine against all of them.
 *
 * Return: 0 or -EINVAL.
 */
int zcit_param_set(struct zcit_params *p, enum zcit_key key,
		   const char *buf, size_t count, const char **why)
{
	char tmp[ZCIT_PARAM_MAX_LEN + 1];
	int ret;

	if (why)
		*why = NULL;
	if (key >= ZCIT_NR_KEYS)
		return -EINVAL;
	ret = zcit_copy_store(tmp, sizeof(tmp), buf, count);
	if (ret < 0)
		return ret;
	ret = zcit_param_check(key, tmp);
	if (ret)
		return ret;
	if (why) {
		*why = zcit_param_unhonoured(key, tmp);
		if (*why)
			return -EINVAL;
	}
	strscpy(p->val[key], tmp, sizeof(p->val[key]));
	return 0;
}

/**
 * zcit_attr_unhonoured() - why an attribute's value has no effect
 * @d: the attribute's description
 * @v: a value zcit_attr_parse() accepted
 *
 * Return: NULL if @v has its effect (or is the default), else what zcit
 * does instead; &zcit_attr_desc.use says whether to refuse or warn.
 */
const char *zcit_attr_unhonoured(const struct zcit_attr_desc *d, s32 v)
{
	return d->use != ZCIT_AU_HONOURED && v != d->def ? d->why : NULL;
}

/**
 * zcit_params_set_authentication() - follow a TPG's attrib/authentication
 * @p: the parameter set
 * @enforce: true to require authentication, false to allow None
 *
 * As iscsi_target_mod does, enforcing removes "None" from AuthMethod and
 * relaxing appends ",None" when it is missing.
 *
 * Return: 0, or -EINVAL if enforcing would leave AuthMethod empty.
 */
int zcit_params_set_authentication(struct zcit_params *p, bool enforce)
{
	char *am = p->val[ZCIT_KEY_AUTHMETHOD];
	char out[ZCIT_PARAM_MAX_LEN + 1] = "";
	const char *s = am;
	bool has_none = false;

	for (;;) {
		const char *comma = strchr(s, ',');
		size_t len = comma ? comma - s : strlen(s);

		if (len == 4 && !strncmp(s, "None", 4)) {
			has_none = true;
		} else if (len) {
			if (*out)
				strlcat(out, ",", sizeof(out));
			strncat(out, s, min(len, sizeof(out) - 1 - strlen(out)));
		}
		if (!comma)
			break;
		s = comma + 1;
	}

	if (enforce) {
		if (!has_none)
			return 0;
		if (!*out)
			return -EINVAL;
		strscpy(am, out, sizeof(p->val[0]));
	} else if (!has_none) {
		if (strlen(am) + 5 > ZCIT_PARAM_MAX_LEN)
			return -EINVAL;
		strlcat(am, ",None", sizeof(p->val[0]));
	}
	return 0;
}

#define ZCIT_BOOL_MASK	(BIT(0) | BIT(1))

/* iscsi_target_mod's iscsit_ta_*() ranges (iscsi_target_core.h TA_*). */
const struct zcit_attr_desc zcit_tpg_attrs[ZCIT_NR_TPG_ATTRS] = {
	[ZCIT_TA_AUTHENTICATION] = { "authentication", 1, 0, 1 },
	[ZCIT_TA_LOGIN_TIMEOUT] = { "login_timeout", 15, 5, 30 },
	[ZCIT_TA_NETIF_TIMEOUT] = { "netif_timeout", 2, 2, 15, 0, false,
				    ZCIT_AU_WARN, ZCIT_UNUSED_AS_LIO },
	[ZCIT_TA_GENERATE_NODE_ACLS] = { "generate_node_acls", 0, 0, 1 },
	[ZCIT_TA_DEFAULT_CMDSN_DEPTH] = { "default_cmdsn_depth", 64, 1,
					  ZCIT_CMDSN_DEPTH_MAX },
	[ZCIT_TA_CACHE_DYNAMIC_ACLS] = { "cache_dynamic_acls", 0, 0, 1 },
	[ZCIT_TA_DEMO_MODE_WRITE_PROTECT] = { "demo_mode_write_protect",
					      1, 0, 1 },
	[ZCIT_TA_PROD_MODE_WRITE_PROTECT] = { "prod_mode_write_protect",
					      0, 0, 1 },
	[ZCIT_TA_DEMO_MODE_DISCOVERY] = { "demo_mode_discovery", 1, 0, 1 },
	[ZCIT_TA_DEFAULT_ERL] = { "default_erl", 0, 0, 2, 0, false,
				  ZCIT_AU_REFUSE, ZCIT_ERL0_ONLY },
	[ZCIT_TA_T10_PI] = { "t10_pi", 0, 0, 1, 0, false, ZCIT_AU_WARN,
			     "iscsi_target_mod uses it for iSER only; zcit serves TCP" },
	[ZCIT_TA_FABRIC_PROT_TYPE] = { "fabric_prot_type", 0, 0, 3,
				       BIT(0) | BIT(1) | BIT(3) },
	[ZCIT_TA_TPG_ENABLED_SENDTARGETS] = { "tpg_enabled_sendtargets",
					      1, 0, 1 },
	[ZCIT_TA_LOGIN_KEYS_WORKAROUND] = { "login_keys_workaround", 1, 0, 1,
		0, false, ZCIT_AU_WARN,
		"zcit proposes no key the initiator did not offer" },
};

/* iscsi_target_mod's iscsit_na_*() ranges (iscsi_target_core.h NA_*). */
const struct zcit_attr_desc zcit_nacl_attrs[ZCIT_NR_NACL_ATTRS] = {
	[ZCIT_NA_DATAOUT_TIMEOUT] = { "dataout_timeout", 3, 2, 60 },
	[ZCIT_NA_DATAOUT_TIMEOUT_RETRIES] = { "dataout_timeout_retries",
		5, 1, 15, 0, false, ZCIT_AU_WARN,
		"at ErrorRecoveryLevel 0 a dataout_timeout ends the connection" },
	[ZCIT_NA_DEFAULT_ERL] = { "default_erl", 0, 0, 2, 0, false,
				  ZCIT_AU_REFUSE, ZCIT_ERL0_ONLY },
	/* 0 turns NOP-In pings off; otherwise 3..60 s. */
	[ZCIT_NA_NOPIN_TIMEOUT] = { "nopin_timeout", 15, 3, 60, 0, true },
	[ZCIT_NA_NOPIN_RESPONSE_TIMEOUT] = { "nopin_response_timeout",
					     30, 3, 60 },
	[ZCIT_NA_RANDOM_DATAIN_PDU_OFFSETS] = { "random_datain_pdu_offsets",
		0, 0, 1, 0, false, ZCIT_AU_WARN, ZCIT_UNUSED_AS_LIO },
	[ZCIT_NA_RANDOM_DATAIN_SEQ_OFFSETS] = { "random_datain_seq_offsets",
		0, 0, 1, 0, false, ZCIT_AU_WARN, ZCIT_UNUSED_AS_LIO },
	[ZCIT_NA_RANDOM_R2T_OFFSETS] = { "random_r2t_offsets", 0, 0, 1, 0,
					 false, ZCIT_AU_WARN,
					 ZCIT_UNUSED_AS_LIO },
	[ZCIT_NA_AUTHENTICATION] = { "authentication", ZCIT_NA_AUTH_INHERITED,
				     ZCIT_NA_AUTH_INHERITED, 1 },
};

/**
 * zcit_attr_parse() - parse and range-check a configfs write to an attribute
 * @d: the attribute's description
 * @buf: NUL-terminated text written (configfs terminates it)
 * @out: the value, set only on success
 *
 * Accepts what kstrtos32() accepts (decimal, 0x hex, 0 octal, one trailing
 * newline), as iscsi_target_mod does, then applies the range and mask.
 *
 * Return: 0, or -EINVAL / -ERANGE.
 */
int zcit_attr_parse(const struct zcit_attr_desc *d, const char *buf, s32 *out)
{
	s32 v;
	int ret;

	ret = kstrtos32(buf, 0, &v);
	if (ret)
		return ret;
	if ((v < d->min || v > d->max) && !(v == 0 && d->zero_ok))
		return -EINVAL;
	if (d->mask && v >= 0 && !(d->mask & BIT(v)))
		return -EINVAL;
	*out = v;
	return 0;
}

static char *zcit_auth_field(struct zcit_auth *a, enum zcit_auth_field f)
{
	switch (f) {
	case ZCIT_AUTH_F_USERID:
		return a->userid;
	case ZCIT_AUTH_F_PASSWORD:
		return a->password;
	case ZCIT_AUTH_F_USERID_MUTUAL:
		return a->userid_mutual;
	case ZCIT_AUTH_F_PASSWORD_MUTUAL:
		return a->password_mutual;
	}
	return NULL;
}

/**
 * zcit_auth_store() - store a configfs write to a CHAP credential
 * @a: the credentials
 * @f: which one
 * @buf: the bytes written; one trailing newline is dropped
 * @count: how many bytes
 *
 * Writing "NULL" (or an empty string) clears the credential, as LIO does.
 *
 * Return: 0 or -EINVAL (too long, or an embedded NUL).
 */
int zcit_auth_store(struct zcit_auth *a, enum zcit_auth_field f,
		    const char *buf, size_t count)
{
	char tmp[ZCIT_AUTH_NAME_LEN];
	char *dst = zcit_auth_field(a, f);
	int ret;

	if (!dst)
		return -EINVAL;
	ret = zcit_copy_store(tmp, sizeof(tmp), buf, count);
	if (ret < 0)
		return ret;
	if (!strcmp(tmp, "NULL") || !*tmp) {
		/* Shown back as written, as iscsi_target_mod does. */
		strscpy(dst, tmp, ZCIT_AUTH_NAME_LEN);
		a->flags &= ~BIT(f);
	} else {
		strscpy(dst, tmp, ZCIT_AUTH_NAME_LEN);
		a->flags |= BIT(f);
	}
	return 0;
}

/**
 * zcit_auth_value() - read a CHAP credential
 * @a: the credentials
 * @f: which one
 *
 * Return: the stored string ("" or "NULL" when unset, as written).
 */
const char *zcit_auth_value(const struct zcit_auth *a, enum zcit_auth_field f)
{
	return zcit_auth_field((struct zcit_auth *)a, f) ?: "";
}

/**
 * zcit_auth_mutual() - will the target authenticate itself (mutual CHAP)?
 * @a: the credentials
 *
 * Return: true when both mutual userid and password are set.
 */
bool zcit_auth_mutual(const struct zcit_auth *a)
{
	u32 both = ZCIT_AUTH_USERID_MUTUAL | ZCIT_AUTH_PASSWORD_MUTUAL;

	return (a->flags & both) == both;
}
