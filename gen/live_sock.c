/* live_sock.c - the interface's MAC and the GRE socket held for a run. */
#include <errno.h>
#include <ifaddrs.h>
#include <linux/filter.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nvgrect/live.h"

#define IPPROTO_GRE_ 47
#define SMALL_RCVBUF 1024

int nv_live_iface_mac(const char *ifname, uint8_t mac[6], struct nv_err *err)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return nv_errno(err, "socket");
	memset(&ifr, 0, sizeof ifr);
	if (strlen(ifname) >= sizeof ifr.ifr_name) {
		close(fd);
		return nv_errc(err, NV_EXIT_USAGE, "interface name too long: %s", ifname);
	}
	strcpy(ifr.ifr_name, ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
		int e = errno;

		close(fd);
		if (e == ENODEV)
			return nv_errc(err, NV_EXIT_USAGE, "%s: no such interface", ifname);
		errno = e;
		return nv_errno(err, "%s: cannot read its MAC", ifname);
	}
	close(fd);
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	return 0;
}

/* Count the datagram as delivered, keep nothing: the filter returns 0. */
static int drop_all(int fd)
{
	static struct sock_filter ret0[] = { BPF_STMT(BPF_RET | BPF_K, 0) };
	struct sock_fprog prog = { 1, ret0 };
	int small = SMALL_RCVBUF;

	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog);
}

int nv_live_gre_hold(int fds[2], struct nv_err *err)
{
	static const int fams[2] = { AF_INET, AF_INET6 };
	int held = 0;

	for (int i = 0; i < 2; i++) {
		fds[i] = socket(fams[i], SOCK_RAW | SOCK_CLOEXEC, IPPROTO_GRE_);
		/* No IPv6 on the host is fine; no IPv4 raw socket is not. */
		if (fds[i] < 0) {
			if (i == 0) {
				nv_errno(err, "raw GRE socket (needs CAP_NET_RAW)");
				return -1;
			}
			continue;
		}
		if (drop_all(fds[i]) < 0) {
			nv_errno(err, "SO_ATTACH_FILTER on the GRE socket");
			nv_live_gre_release(fds);
			return -1;
		}
		held++;
	}
	return held;
}

void nv_live_gre_release(int fds[2])
{
	for (int i = 0; i < 2; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
		fds[i] = -1;
	}
}

bool nv_live_iface_has_addr(const char *ifname, const struct nv_addr *a)
{
	struct ifaddrs *ifs, *i;
	bool found = false;

	if (getifaddrs(&ifs) < 0)
		return false;
	for (i = ifs; i && !found; i = i->ifa_next) {
		const struct sockaddr *sa = i->ifa_addr;

		if (!sa || strcmp(i->ifa_name, ifname) != 0 || sa->sa_family != a->family)
			continue;
		if (sa->sa_family == AF_INET)
			found = !memcmp(&((const struct sockaddr_in *)(const void *)sa)->sin_addr,
					a->a, 4);
		else if (sa->sa_family == AF_INET6)
			found = !memcmp(&((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
					a->a, 16);
	}
	freeifaddrs(ifs);
	return found;
}
