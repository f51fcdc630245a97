/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zcit protocol engine: negotiation of the RFC 7143 section 13 keys
 * (rules in RFC 7143 section 6.2 and 6.3).
 *
 * Pure code: no sockets, no LIO calls.  KUnit tests it directly.
 */
#ifndef ZCIT_NEGO_H
#define ZCIT_NEGO_H

#include <linux/types.h>
#include <linux/bitmap.h>
#include <zcit/param.h>
#include <zcit/text.h>

/**
 * struct zcit_sess_params - the outcome of a login's negotiation
 * @header_digest: HeaderDigest=CRC32C
 * @data_digest: DataDigest=CRC32C
 * @max_connections: MaxConnections
 * @initial_r2t: InitialR2T
 * @immediate_data: ImmediateData
 * @max_recv_dsl: MaxRecvDataSegmentLength the target declared: the largest
 *	data segment it accepts from the initiator (the TPG's
 *	MaxXmitDataSegmentLength in answer to the initiator's declaration,
 *	its MaxRecvDataSegmentLength when declared first, as
 *	iscsi_target_mod does; 8192 until declared)
 * @max_xmit_dsl: the largest data segment the target may send: the
 *	initiator's declared MaxRecvDataSegmentLength (8192 when it declared
 *	none)
 * @max_burst: MaxBurstLength
 * @first_burst: FirstBurstLength (never above @max_burst)
 * @time2wait: DefaultTime2Wait
 * @time2retain: DefaultTime2Retain
 * @max_r2t: MaxOutstandingR2T
 * @data_pdu_in_order: DataPDUInOrder
 * @data_seq_in_order: DataSequenceInOrder
 * @erl: ErrorRecoveryLevel
 * @initiator_alias: InitiatorAlias, "" when none was declared
 * @target_alias: TargetAlias the target declares, "" for none
 */
struct zcit_sess_params {
	bool header_digest;
	bool data_digest;
	u32 max_connections;
	bool initial_r2t;
	bool immediate_data;
	u32 max_recv_dsl;
	u32 max_xmit_dsl;
	u32 max_burst;
	u32 first_burst;
	u32 time2wait;
	u32 time2retain;
	u32 max_r2t;
	bool data_pdu_in_order;
	bool data_seq_in_order;
	u8 erl;
	char initiator_alias[ZCIT_PARAM_MAX_LEN + 1];
	char target_alias[ZCIT_PARAM_MAX_LEN + 1];
};

/* Keys the engine tracks beyond &enum zcit_key, for duplicate detection. */
enum zcit_extra_key {
	ZCIT_XKEY_INITIATORALIAS = ZCIT_NR_KEYS,
	ZCIT_XKEY_TASKREPORTING,
	ZCIT_XKEY_PROTOCOLLEVEL,
	ZCIT_NR_NEGO_KEYS,
};

/**
 * struct zcit_nego - operational negotiation state of one login
 * @tpg: the TPG's param/ values negotiation starts from (not owned)
 * @discovery: SessionType=Discovery
 * @leading: this is the leading connection of its session (TSIH 0);
 *	session-wide keys are "Irrelevant" on any other
 * @res: the values agreed so far
 * @seen: keys the initiator sent during this login (RFC 7143 6.2:
 *	negotiating a key twice is a protocol error)
 * @mrdsl_declared: the target already declared MaxRecvDataSegmentLength
 * @alias_declared: the target already declared TargetAlias
 */
struct zcit_nego {
	const struct zcit_params *tpg;
	bool discovery;
	bool leading;
	struct zcit_sess_params res;
	DECLARE_BITMAP(seen, ZCIT_NR_NEGO_KEYS);
	bool mrdsl_declared;
	bool alias_declared;
};

int zcit_nego_init(struct zcit_nego *n, const struct zcit_params *tpg,
		   bool discovery, bool leading);
int zcit_nego_key(struct zcit_nego *n, const char *key, const char *val,
		  struct zcit_text_out *out);
int zcit_nego_declare(struct zcit_nego *n, struct zcit_text_out *out);
int zcit_nego_finish(struct zcit_nego *n);
void zcit_nego_to_params(const struct zcit_sess_params *res,
			 struct zcit_params *out);
int zcit_list_select(const char *offered, const char *allowed,
		     char *out, size_t size);
int zcit_num_parse(const char *val, u64 max, u64 *out);

#endif /* ZCIT_NEGO_H */
