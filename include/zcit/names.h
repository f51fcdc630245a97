/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zcit: iSCSI names, TPG tags and network portal names.  Pure code.
 */
#ifndef ZCIT_NAMES_H
#define ZCIT_NAMES_H

#include <linux/types.h>
#include <linux/socket.h>

/* RFC 7143 4.2.7.1: an iSCSI name is at most 223 bytes. */
#define ZCIT_ISCSI_NAME_MAX	223
/* Longest np/ directory name iscsi_target_mod accepts. */
#define ZCIT_PORTAL_NAME_MAX	256

int zcit_check_iscsi_name(const char *name);
int zcit_parse_tpgt(const char *name, u16 *tpgt);
int zcit_parse_portal(const char *name, struct sockaddr_storage *ss);
bool zcit_sockaddr_equal(const struct sockaddr_storage *a,
			 const struct sockaddr_storage *b);
bool zcit_sockaddr_is_wildcard(const struct sockaddr_storage *ss);

#endif /* ZCIT_NAMES_H */
