/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zcit: configuration values of a target portal group and a node ACL.
 *
 * Pure code: no sockets, no LIO calls.  The configfs glue stores and shows
 * these values; KUnit tests them directly.
 */
#ifndef ZCIT_PARAM_H
#define ZCIT_PARAM_H

#include <linux/types.h>

/*
 * The RFC 7143 section 13 keys a TPG exposes under param/, in the order
 * and with the names iscsi_target_mod uses.
 */
enum zcit_key {
	ZCIT_KEY_AUTHMETHOD,
	ZCIT_KEY_HEADERDIGEST,
	ZCIT_KEY_DATADIGEST,
	ZCIT_KEY_MAXCONNECTIONS,
	ZCIT_KEY_TARGETALIAS,
	ZCIT_KEY_INITIALR2T,
	ZCIT_KEY_IMMEDIATEDATA,
	ZCIT_KEY_MAXRECVDATASEGMENTLENGTH,
	ZCIT_KEY_MAXXMITDATASEGMENTLENGTH,
	ZCIT_KEY_MAXBURSTLENGTH,
	ZCIT_KEY_FIRSTBURSTLENGTH,
	ZCIT_KEY_DEFAULTTIME2WAIT,
	ZCIT_KEY_DEFAULTTIME2RETAIN,
	ZCIT_KEY_MAXOUTSTANDINGR2T,
	ZCIT_KEY_DATAPDUINORDER,
	ZCIT_KEY_DATASEQUENCEINORDER,
	ZCIT_KEY_ERRORRECOVERYLEVEL,
	ZCIT_KEY_IFMARKER,
	ZCIT_KEY_OFMARKER,
	ZCIT_KEY_IFMARKINT,
	ZCIT_KEY_OFMARKINT,
	ZCIT_NR_KEYS,
};

/* Longest value a TPG key may hold, NUL excluded (RFC 7143 5.1: 255). */
#define ZCIT_PARAM_MAX_LEN	255

/**
 * struct zcit_params - the operational keys a TPG starts negotiation from
 * @val: one NUL-terminated value per &enum zcit_key
 */
struct zcit_params {
	char val[ZCIT_NR_KEYS][ZCIT_PARAM_MAX_LEN + 1];
};

const char *zcit_key_name(enum zcit_key key);
int zcit_key_lookup(const char *name);
void zcit_params_init(struct zcit_params *p);
int zcit_param_check(enum zcit_key key, const char *value);
const char *zcit_param_unhonoured(enum zcit_key key, const char *value);
int zcit_param_set(struct zcit_params *p, enum zcit_key key,
		   const char *buf, size_t count, const char **why);
int zcit_param_store(struct zcit_params *p, enum zcit_key key,
		     const char *buf, size_t count);
int zcit_params_set_authentication(struct zcit_params *p, bool enforce);

/* TPG attributes (attrib/ of a tpgt_N), in iscsi_target_mod's order. */
enum zcit_tpg_attr {
	ZCIT_TA_AUTHENTICATION,
	ZCIT_TA_LOGIN_TIMEOUT,
	ZCIT_TA_NETIF_TIMEOUT,
	ZCIT_TA_GENERATE_NODE_ACLS,
	ZCIT_TA_DEFAULT_CMDSN_DEPTH,
	ZCIT_TA_CACHE_DYNAMIC_ACLS,
	ZCIT_TA_DEMO_MODE_WRITE_PROTECT,
	ZCIT_TA_PROD_MODE_WRITE_PROTECT,
	ZCIT_TA_DEMO_MODE_DISCOVERY,
	ZCIT_TA_DEFAULT_ERL,
	ZCIT_TA_T10_PI,
	ZCIT_TA_FABRIC_PROT_TYPE,
	ZCIT_TA_TPG_ENABLED_SENDTARGETS,
	ZCIT_TA_LOGIN_KEYS_WORKAROUND,
	ZCIT_NR_TPG_ATTRS,
};

/* Node ACL attributes (attrib/ of an ACL), in iscsi_target_mod's order. */
enum zcit_nacl_attr {
	ZCIT_NA_DATAOUT_TIMEOUT,
	ZCIT_NA_DATAOUT_TIMEOUT_RETRIES,
	ZCIT_NA_DEFAULT_ERL,
	ZCIT_NA_NOPIN_TIMEOUT,
	ZCIT_NA_NOPIN_RESPONSE_TIMEOUT,
	ZCIT_NA_RANDOM_DATAIN_PDU_OFFSETS,
	ZCIT_NA_RANDOM_DATAIN_SEQ_OFFSETS,
	ZCIT_NA_RANDOM_R2T_OFFSETS,
	ZCIT_NA_AUTHENTICATION,
	ZCIT_NR_NACL_ATTRS,
};

/* ACL authentication may be inherited from the TPG (written as -1). */
#define ZCIT_NA_AUTH_INHERITED	(-1)

/**
 * enum zcit_attr_use - what zcit does with an attribute's values
 * @ZCIT_AU_HONOURED: every accepted value has its effect
 * @ZCIT_AU_REFUSE: only the default has an effect; other values are
 *	refused (none is in a configuration iscsi_target_mod saves by default)
 * @ZCIT_AU_WARN: the value is stored but unused (as in iscsi_target_mod,
 *	or it could not apply to zcit); another value than the default is
 *	accepted, so that saved configurations restore, with a one-time warning
 */
enum zcit_attr_use {
	ZCIT_AU_HONOURED,
	ZCIT_AU_REFUSE,
	ZCIT_AU_WARN,
};

/**
 * struct zcit_attr_desc - name, default and accepted values of an attribute
 * @name: the configfs file name
 * @def: the default value
 * @min: smallest accepted value
 * @max: largest accepted value
 * @mask: when non-zero, a value v is accepted only if (1 << v) & mask
 * @zero_ok: 0 is accepted too (it switches the feature off)
 * @use: what zcit does with a value other than @def
 * @why: for %ZCIT_AU_REFUSE and %ZCIT_AU_WARN, what zcit does instead
 */
struct zcit_attr_desc {
	const char *name;
	s32 def;
	s32 min;
	s32 max;
	u32 mask;
	bool zero_ok;
	enum zcit_attr_use use;
	const char *why;
};

extern const struct zcit_attr_desc zcit_tpg_attrs[ZCIT_NR_TPG_ATTRS];
extern const struct zcit_attr_desc zcit_nacl_attrs[ZCIT_NR_NACL_ATTRS];

int zcit_attr_parse(const struct zcit_attr_desc *d, const char *buf, s32 *out);
const char *zcit_attr_unhonoured(const struct zcit_attr_desc *d, s32 v);

/* Deepest CmdSN window an ACL or TPG may ask for (iscsi_target_mod's). */
#define ZCIT_CMDSN_DEPTH_MAX	512

/* CHAP credentials (auth/ of a TPG or ACL, and discovery_auth/). */
#define ZCIT_AUTH_NAME_LEN	256

/**
 * struct zcit_auth - CHAP credentials as configured
 * @userid: name the initiator must present (one-way CHAP)
 * @password: secret the initiator must prove
 * @userid_mutual: name the target presents (mutual CHAP)
 * @password_mutual: secret the target proves
 * @flags: ZCIT_AUTH_* bits saying which of the four are set
 */
struct zcit_auth {
	char userid[ZCIT_AUTH_NAME_LEN];
	char password[ZCIT_AUTH_NAME_LEN];
	char userid_mutual[ZCIT_AUTH_NAME_LEN];
	char password_mutual[ZCIT_AUTH_NAME_LEN];
	u32 flags;
};

#define ZCIT_AUTH_USERID		BIT(0)
#define ZCIT_AUTH_PASSWORD		BIT(1)
#define ZCIT_AUTH_USERID_MUTUAL		BIT(2)
#define ZCIT_AUTH_PASSWORD_MUTUAL	BIT(3)

enum zcit_auth_field {
	ZCIT_AUTH_F_USERID,
	ZCIT_AUTH_F_PASSWORD,
	ZCIT_AUTH_F_USERID_MUTUAL,
	ZCIT_AUTH_F_PASSWORD_MUTUAL,
};

int zcit_auth_store(struct zcit_auth *a, enum zcit_auth_field f,
		    const char *buf, size_t count);
const char *zcit_auth_value(const struct zcit_auth *a, enum zcit_auth_field f);
bool zcit_auth_mutual(const struct zcit_auth *a);

#endif /* ZCIT_PARAM_H */
