// SPDX-License-Identifier: GPL-2.0
/*
 * zcit: iSCSI names, TPG tags and network portal names.
 *
 * Pure code (no sockets, no LIO): parses what an administrator writes as
 * configfs directory names.  KUnit tests it directly.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/ctype.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/inet.h>
#include <net/net_namespace.h>
#include <net/ipv6.h>
#include <zcit/names.h>

/*
 * RFC 7143 4.2.7.2 (iqn.), 4.2.7.3 (eui.) and 4.2.7.4 / RFC 3980 (naa.):
 *   iqn.yyyy-mm.reversed.domain[:anything]
 *   eui.<16 hex digits>
 *   naa.<16 or 32 hex digits>
 * The characters allowed after stringprep are ASCII letters, digits,
 * '-', '.', ':' (RFC 3722); we also accept upper case, which LIO keeps as
 * given, and '_' which some initiators use in the unique part.
 */
static bool zcit_all_hex(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!isxdigit(s[i]))
			return false;
	return true;
}

static bool zcit_iqn_char(char c)
{
	return isalnum(c) || c == '-' || c == '.' || c == ':' || c == '_';
}

/**
 * zcit_check_iscsi_name() - is @name a well-formed iSCSI name?
 * @name: NUL-terminated candidate
 *
 * Return: 0 if @name is an iqn., eui. or naa. name of at most
 * %ZCIT_ISCSI_NAME_MAX bytes, -EINVAL otherwise.
 */
int zcit_check_iscsi_name(const char *name)
{
	size_t len, i;

	if (!name)
		return -EINVAL;
	len = strnlen(name, ZCIT_ISCSI_NAME_MAX + 1);
	if (len == 0 || len > ZCIT_ISCSI_NAME_MAX)
		return -EINVAL;

	if (!strncasecmp(name, "eui.", 4))
		return len == 4 + 16 && zcit_all_hex(name + 4, 16) ?
		       0 : -EINVAL;
	if (!strncasecmp(name, "naa.", 4))
		return (len == 4 + 16 || len == 4 + 32) &&
		       zcit_all_hex(name + 4, len - 4) ? 0 : -EINVAL;
	if (strncasecmp(name, "iqn.", 4))
		return -EINVAL;

	/* "iqn." yyyy "-" mm "." naming-authority */
	if (len < 4 + 8 + 1)
		return -EINVAL;
	for (i = 4; i < 8; i++)
		if (!isdigit(name[i]))
			return -EINVAL;
	if (name[8] != '-' || !isdigit(name[9]) || !isdigit(name[10]) ||
	    name[11] != '.')
		return -EINVAL;
	if ((name[9] - '0') * 10 + (name[10] - '0') < 1 ||
	    (name[9] - '0') * 10 + (name[10] - '0') > 12)
		return -EINVAL;
	if (!isalnum(name[12]))
		return -EINVAL;
	for (i = 12; i < len; i++)
		if (!zcit_iqn_char(name[i]))
			return -EINVAL;
	return 0;
}

/**
 * zcit_parse_tpgt() - parse a "tpgt_N" directory name
 * @name: the name
 * @tpgt: the tag, set only on success
 *
 * Return: 0, or -EINVAL unless @name is "tpgt_" and a decimal number in
 * 0..65535 (RFC 7143 13.9: the tag is 16 bits), as iscsi_target_mod takes.
 */
int zcit_parse_tpgt(const char *name, u16 *tpgt)
{
	u16 v;

	if (strncmp(name, "tpgt_", 5) || !isdigit(name[5]))
		return -EINVAL;
	if (kstrtou16(name + 5, 10, &v))
		return -EINVAL;
	*tpgt = v;
	return 0;
}

/**
 * zcit_parse_portal() - parse an np/ directory name
 * @name: "a.b.c.d:port" or "[v6addr]:port"
 * @ss: the parsed address, set only on success
 *
 * Return: 0, or -EINVAL (-EOVERFLOW if longer than %ZCIT_PORTAL_NAME_MAX).
 */
int zcit_parse_portal(const char *name, struct sockaddr_storage *ss)
{
	char buf[ZCIT_PORTAL_NAME_MAX + 1];
	struct sockaddr_storage tmp = {};
	char *ip, *port;
	size_t len = strnlen(name, ZCIT_PORTAL_NAME_MAX + 1);
	u16 portnum;

	if (len > ZCIT_PORTAL_NAME_MAX)
		return -EOVERFLOW;
	memcpy(buf, name, len + 1);

	if (buf[0] == '[') {
		char *end = strchr(buf, ']');

		if (!end || end[1] != ':')
			return -EINVAL;
		*end = '\0';
		ip = buf + 1;
		port = end + 2;
		if (!strchr(ip, ':'))
			return -EINVAL;
	} else {
		port = strrchr(buf, ':');
		if (!port)
			return -EINVAL;
		*port++ = '\0';
		ip = buf;
		if (strchr(ip, ':'))
			return -EINVAL;
	}
	/* Decimal, no leading zeros (inet_pton_with_scope() would read octal). */
	if (!*ip || !isdigit(*port) || (port[0] == '0' && port[1]) ||
	    kstrtou16(port, 10, &portnum))
		return -EINVAL;

	if (inet_pton_with_scope(&init_net, buf[0] == '[' ? AF_INET6 : AF_INET,
				 ip, port, &tmp))
		return -EINVAL;
	*ss = tmp;
	return 0;
}

/**
 * zcit_sockaddr_equal() - same family, address and port?
 * @a: one address
 * @b: the other
 *
 * Return: true if @a and @b name the same IPv4 or IPv6 endpoint.
 */
bool zcit_sockaddr_equal(const struct sockaddr_storage *a,
			 const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a;
		const struct sockaddr_in *y = (const void *)b;

		return x->sin_port == y->sin_port &&
		       x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a;
		const struct sockaddr_in6 *y = (const void *)b;

		return x->sin6_port == y->sin6_port &&
		       ipv6_addr_equal(&x->sin6_addr, &y->sin6_addr) &&
		       x->sin6_scope_id == y->sin6_scope_id;
	}
	return false;
}

/**
 * zcit_sockaddr_is_wildcard() - is this 0.0.0.0 or [::]?
 * @ss: the address
 *
 * Return: true for an IPv4 or IPv6 wildcard address.
 */
bool zcit_sockaddr_is_wildcard(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ((const struct sockaddr_in *)ss)->sin_addr.s_addr ==
		       htonl(INADDR_ANY);
	if (ss->ss_family == AF_INET6)
		return ipv6_addr_any(&((const struct sockaddr_in6 *)ss)->sin6_addr);
	return false;
}
