/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zcit protocol engine: the target side of the login phase (RFC 7143
 * sections 6.3, 11.12, 11.13): stages, the T and C bits, security
 * negotiation (AuthMethod, CHAP), operational negotiation and the status
 * of every refusal.
 *
 * Pure code: no sockets, no LIO calls.  What needs LIO (which target,
 * which ACL, which credentials, creating the session) is asked of the
 * caller through &struct zcit_login_ops.  KUnit tests it with fake ops.
 */
#ifndef ZCIT_LOGIN_H
#define ZCIT_LOGIN_H

#include <linux/types.h>
#include <scsi/iscsi_proto.h>
#include <zcit/param.h>
#include <zcit/names.h>
#include <zcit/text.h>
#include <zcit/nego.h>
#include <zcit/chap.h>

/* Login status as (Status-Class << 8) | Status-Detail, RFC 7143 11.13.5. */
#define ZCIT_LS(cls, det)	(((cls) << 8) | (det))
#define ZCIT_LS_OK		0
#define ZCIT_LS_INIT_ERR	ZCIT_LS(ISCSI_STATUS_CLS_INITIATOR_ERR, \
					ISCSI_LOGIN_STATUS_INIT_ERR)
#define ZCIT_LS_AUTH_FAILED	ZCIT_LS(ISCSI_STATUS_CLS_INITIATOR_ERR, \
					ISCSI_LOGIN_STATUS_AUTH_FAILED)
#define ZCIT_LS_FORBIDDEN	ZCIT_LS(ISCSI_STATUS_CLS_INITIATOR_ERR, \
					ISCSI_LOGIN_STATUS_TGT_FORBIDDEN)
#define ZCIT_LS_NOT_FOUND	ZCIT_LS(ISCSI_STATUS_CLS_INITIATOR_ERR, \
					ISCSI_LOGIN_STATUS_TGT_NOT_FOUND)
#define ZCIT_LS_REMOVED		ZCIT_LS(ISCSI_STATUS_CLS_INITIATOR_ERR, \
					ISCSI_LOGIN_STATUS_TGT_REMOVED)
#define ZCIT_LS_NO_VERSION	ZCIT_LS(ISCSI_STATUS_CLS_INITIATOR_ERR, \
					ISCSI_LOGIN_STATUS_NO_VERSION)
#define ZCIT_LS_TOO_MANY_CONNS	ZCIT_LS(ISCSI_STATUS_CLS_INITIATOR_ERR, \
					ISCSI_LOGIN_STATUS_ISID_ERROR)
#define ZCIT_LS_MISSING		ZCIT_LS(ISCSI_STATUS_CLS_INITIATOR_ERR, \
					ISCSI_LOGIN_STATUS_MISSING_FIELDS)
#define ZCIT_LS_CONN_ADD	ZCIT_LS(ISCSI_STATUS_CLS_INITIATOR_ERR, \
					ISCSI_LOGIN_STATUS_CONN_ADD_FAILED)
#define ZCIT_LS_NO_SESS_TYPE	ZCIT_LS(ISCSI_STATUS_CLS_INITIATOR_ERR, \
					ISCSI_LOGIN_STATUS_NO_SESSION_TYPE)
#define ZCIT_LS_NO_SESSION	ZCIT_LS(ISCSI_STATUS_CLS_INITIATOR_ERR, \
					ISCSI_LOGIN_STATUS_NO_SESSION)
#define ZCIT_LS_INVALID_REQ	ZCIT_LS(ISCSI_STATUS_CLS_INITIATOR_ERR, \
					ISCSI_LOGIN_STATUS_INVALID_REQUEST)
#define ZCIT_LS_UNAVAILABLE	ZCIT_LS(ISCSI_STATUS_CLS_TARGET_ERR, \
					ISCSI_LOGIN_STATUS_SVC_UNAVAILABLE)
#define ZCIT_LS_TARGET_ERR	ZCIT_LS(ISCSI_STATUS_CLS_TARGET_ERR, \
					ISCSI_LOGIN_STATUS_TARGET_ERROR)
#define ZCIT_LS_NO_RESOURCES	ZCIT_LS(ISCSI_STATUS_CLS_TARGET_ERR, \
					ISCSI_LOGIN_STATUS_NO_RESOURCES)

/* Login stages (CSG/NSG values, RFC 7143 11.12.3). */
#define ZCIT_STAGE_SECURITY	0
#define ZCIT_STAGE_OPERATIONAL	1
#define ZCIT_STAGE_FFP		3

/**
 * struct zcit_login_policy - what the caller decided once the names were known
 * @params: values negotiation starts from; AuthMethod lists the methods
 *	allowed (the TPG's, adjusted for the ACL's attrib/authentication)
 * @auth: CHAP credentials the initiator must prove (and the target's, for
 *	mutual CHAP)
 * @tpgt: the portal group tag answered in TargetPortalGroupTag
 * @cmdsn_depth: CmdSN window the session will have
 */
struct zcit_login_policy {
	struct zcit_params params;
	struct zcit_auth auth;
	u16 tpgt;
	u32 cmdsn_depth;
};

struct zcit_login;

/**
 * struct zcit_login_ops - what the login engine asks of its caller
 * @resolve: the first request was read: InitiatorName, TargetName and
 *	SessionType are known.  Find the target and the initiator's ACL, fill
 *	in @l->pol.  Return a ZCIT_LS_* status, ZCIT_LS_OK to go on.
 * @complete: the initiator moves to Full Feature Phase and the target
 *	agrees.  Create or join the session, set @l->tsih.  Return a ZCIT_LS_*
 *	status.
 */
struct zcit_login_ops {
	u16 (*resolve)(struct zcit_login *l);
	u16 (*complete)(struct zcit_login *l);
};

/* Where security negotiation stands. */
enum zcit_auth_state {
	ZCIT_AUTH_START,	/* no AuthMethod yet */
	ZCIT_AUTH_REJECTED,	/* no AuthMethod both sides allow */
	ZCIT_AUTH_CHAP_A,	/* AuthMethod=CHAP: waiting for CHAP_A */
	ZCIT_AUTH_CHAP_R,	/* challenge sent: waiting for CHAP_N/CHAP_R */
	ZCIT_AUTH_DONE,		/* authenticated, or None agreed */
};

/* The outcome of one login request. */
enum zcit_login_result {
	ZCIT_LOGIN_REPLY,	/* send the response, then read the next request */
	ZCIT_LOGIN_DONE,	/* send the response, then Full Feature Phase */
	ZCIT_LOGIN_FAIL,	/* send the response, then close */
};

/**
 * struct zcit_login - the login of one connection
 * @ops: the caller's callbacks
 * @priv: the caller's
 * @isid: ISID of the first request; every later one must repeat it
 * @tsih: TSIH of the first request; after @ops->complete, the session's
 * @cid: CID of the first request
 * @cmdsn: CmdSN of the first request (login does not advance it)
 * @statsn: StatSN of the next response (RFC 7143 11.13.4)
 * @started: the first request was seen
 * @resolved: @ops->resolve succeeded
 * @stage: the stage the next request must be in (its CSG)
 * @discovery: SessionType=Discovery
 * @initiator_name: InitiatorName
 * @target_name: TargetName, "" in a discovery session
 * @auth: security negotiation state
 * @chap: the CHAP exchange
 * @nego: operational negotiation
 * @pol: what @ops->resolve decided
 * @in: the request being collected (C bit)
 * @out: the response being sent (C bit)
 * @rsp_flags: T, CSG and NSG of the answer in @out; with the C bit it
 *	takes several responses, and only the last one may transit
 * @status: status of the last response
 */
struct zcit_login {
	const struct zcit_login_ops *ops;
	void *priv;
	u8 isid[6];
	u16 tsih;
	u16 cid;
	u32 cmdsn;
	u32 statsn;
	bool started;
	bool resolved;
	u8 stage;
	bool discovery;
	char initiator_name[ZCIT_ISCSI_NAME_MAX + 1];
	char target_name[ZCIT_ISCSI_NAME_MAX + 1];
	enum zcit_auth_state auth;
	struct zcit_chap chap;
	struct zcit_nego nego;
	struct zcit_login_policy pol;
	struct zcit_text_in in;
	struct zcit_text_out out;
	u8 rsp_flags;
	u16 status;
};

int zcit_login_init(struct zcit_login *l, const struct zcit_login_ops *ops,
		    void *priv);
void zcit_login_free(struct zcit_login *l);
enum zcit_login_result zcit_login_rx(struct zcit_login *l,
				     const struct iscsi_login_req *req,
				     const void *data, u32 len,
				     struct iscsi_login_rsp *rsp,
				     const void **rsp_data);
enum zcit_login_result zcit_login_reject(struct zcit_login *l,
					 const struct iscsi_login_req *req,
					 u16 status,
					 struct iscsi_login_rsp *rsp);

#endif /* ZCIT_LOGIN_H */
