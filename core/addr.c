/* addr.c - IPv4/IPv6 addresses and MACs as the DUT file and reports spell them. */
#include "nvgrect/dut.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

int nv_addr_parse(const char *s, struct nv_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, a->a) == 1) {
		a->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, a->a) == 1) {
		a->family = AF_INET6;
		return 0;
	}
	return -1;
}

const char *nv_addr_str(const struct nv_addr *a, char *buf, unsigned len)
{
	if (!a->family || !inet_ntop(a->family, a->a, buf, len))
		snprintf(buf, len, "-");
	return buf;
}

bool nv_addr_eq(const struct nv_addr *a, const struct nv_addr *b)
{
	size_t n = a->family == AF_INET6 ? 16 : 4;

	return a->family == b->family && memcmp(a->a, b->a, n) == 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int nv_mac_parse(const char *s, struct nv_mac *m)
{
	memset(m, 0, sizeof(*m));
	if (strcmp(s, "auto") == 0) {
		m->is_auto = true;
		return 0;
	}
	/* exactly xx:xx:xx:xx:xx:xx (or '-' separated) */
	if (strlen(s) != 17)
		return -1;
	for (int i = 0; i < 6; i++) {
		int hi = hexval(s[i * 3]), lo = hexval(s[i * 3 + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		if (i < 5 && s[i * 3 + 2] != ':' && s[i * 3 + 2] != '-')
			return -1;
		m->a[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

const char *nv_mac_str(const uint8_t mac[6], char *buf, unsigned len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	return buf;
}
