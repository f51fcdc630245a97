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
bool zcit_sockaddr_is_link_local(const struct sockaddr_storage *ss);
void zcit_sockaddr_unmap(struct sockaddr_storage *ss);

/* How well a portal serves an address: zcit_portal_match(). */
enum {
	ZCIT_PORTAL_DUAL_STACK = 1,	/* [::]:p for an IPv4 address */
	ZCIT_PORTAL_WILDCARD,		/* 0.0.0.0:p or [::]:p, same family */
	ZCIT_PORTAL_EXACT,		/* the address itself */
};

int zcit_portal_match(const struct sockaddr_storage *portal,
		      const struct sockaddr_storage *local);
bool zcit_portal_advertise(const struct sockaddr_storage *portal,
			   const struct sockaddr_storage *local,
			   struct sockaddr_storage *out);

#endif /* ZCIT_NAMES_H */
