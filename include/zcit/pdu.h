/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zcit protocol engine: Basic Header Segments (RFC 7143 section 11) and
 * serial-number arithmetic (RFC 1982, as RFC 7143 4.2.2.1 uses it).
 *
 * Pure code: no sockets, no LIO calls.  KUnit tests it directly.
 */
#ifndef ZCIT_PDU_H
#define ZCIT_PDU_H

#include <linux/types.h>
#include <scsi/iscsi_proto.h>

/* RFC 7143 11.2.1: the BHS is 48 bytes. */
#define ZCIT_BHS_LEN		48
/* RFC 7143 11.2.1.3: a data segment is at most 2^24 - 1 bytes. */
#define ZCIT_DSL_MAX		0xffffff
/* CRC32C digest (RFC 7143 11.2.3). */
#define ZCIT_DIGEST_LEN		4

/* RFC 7143 11.2.3: segments are padded to a multiple of 4 bytes. */
static inline u32 zcit_pad4(u32 len)
{
	return (4 - (len & 3)) & 3;
}

/**
 * struct zcit_pdu_lens - the lengths a BHS announces
 * @ahs: TotalAHSLength in bytes
 * @data: DataSegmentLength
 * @pad: padding after the data segment
 */
struct zcit_pdu_lens {
	u32 ahs;
	u32 data;
	u32 pad;
};

int zcit_bhs_parse(const struct iscsi_hdr *hdr, u32 max_data,
		   struct zcit_pdu_lens *lens);
u32 zcit_pdu_hdr_len(const struct zcit_pdu_lens *lens, bool hdr_digest);
u32 zcit_pdu_tail_len(u32 dlen, bool data_digest);
u8 *zcit_pdu_cdb(u8 *hdr, u32 ahs_len);

/**
 * struct zcit_sn - the sequence numbers every target PDU carries
 * @statsn: StatSN (or, where a PDU does not advance it, the next one)
 * @exp_cmdsn: ExpCmdSN
 * @max_cmdsn: MaxCmdSN
 */
struct zcit_sn {
	u32 statsn;
	u32 exp_cmdsn;
	u32 max_cmdsn;
};

void zcit_build_nopin(struct iscsi_nopin *rsp, const struct iscsi_nopout *req,
		      u32 dlen, const struct zcit_sn *sn);
void zcit_build_logout_rsp(struct iscsi_logout_rsp *rsp,
			   const struct iscsi_logout *req, u8 response,
			   const struct zcit_sn *sn);
void zcit_build_text_rsp(struct iscsi_text_rsp *rsp,
			 const struct iscsi_text *req, bool more, u32 ttt,
			 u32 dlen, const struct zcit_sn *sn);
void zcit_build_reject(struct iscsi_reject *rsp, u8 reason,
		       const struct zcit_sn *sn);

/**
 * struct zcit_status - the outcome of a SCSI command, for its response
 * @status: SCSI status byte
 * @resid_flags: ISCSI_FLAG_CMD_OVERFLOW or _UNDERFLOW, or 0
 * @resid: Residual Count
 */
struct zcit_status {
	u8 status;
	u8 resid_flags;
	u32 resid;
};

void zcit_build_scsi_rsp(struct iscsi_scsi_rsp *rsp, itt_t itt,
			 const struct zcit_status *st, u32 exp_datasn,
			 u32 dlen, const struct zcit_sn *sn);
void zcit_build_data_in(struct iscsi_data_rsp *rsp, itt_t itt,
			const struct scsi_lun *lun, u32 datasn, u32 offset,
			u32 len, bool seq_end, const struct zcit_status *st,
			const struct zcit_sn *sn);
void zcit_build_r2t(struct iscsi_r2t_rsp *rsp, itt_t itt,
		    const struct scsi_lun *lun, u32 ttt, u32 r2tsn, u32 offset,
		    u32 len, const struct zcit_sn *sn);
void zcit_build_tm_rsp(struct iscsi_tm_rsp *rsp, itt_t itt, u8 response,
		       const struct zcit_sn *sn);
void zcit_build_nopin_ping(struct iscsi_nopin *rsp, u32 ttt,
			   const struct zcit_sn *sn);
void zcit_build_async_drop(struct iscsi_async *rsp, bool all, u16 cid,
			   u16 time2wait, u16 time2retain,
			   const struct zcit_sn *sn);
void zcit_build_async_logout(struct iscsi_async *rsp, u16 wait,
			     const struct zcit_sn *sn);

/*
 * RFC 1982 comparisons as RFC 7143 4.2.2.1 wants them.  Unlike
 * iscsi_proto.h's iscsi_sna_*(), two numbers 2^31 apart are neither less
 * nor greater than each other (RFC 1982 3.2: undefined).
 */
bool zcit_sn_lt(u32 a, u32 b);
bool zcit_sn_gt(u32 a, u32 b);
bool zcit_sn_in_window(u32 sn, u32 low, u32 high);
u32 zcit_sn_max_cmdsn(u32 exp_cmdsn, u32 depth);

#endif /* ZCIT_PDU_H */
