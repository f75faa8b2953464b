// AF_PACKET frame sender for gratuitous ARP: the one socket family Node's core and raw-socket cannot open.
//
// keepalived sends its GARPs in-process right after the netlink VIP add (keepalived.md §6.4); the arping fallback
// costs a fork+exec (~1.5 ms on the takeover path, scripts/bench/failover-timeline.mjs). This addon keeps one
// AF_PACKET socket per process (protocol 0: it never receives, so nothing queues on it) and sends frames that the
// TypeScript side builds (src/vrrp/garp-frame.ts). Node-API only, so one build serves Node 20, 22 and 24.
#include <node_api.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <net/if.h>
#include <netinet/in.h>
#include <linux/if_arp.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static int packet_fd = -1;

// errno -> Node's usual code names, for the few errors these calls can return; the rest map to "EIO".
static const char *errno_code(int err) {
  switch (err) {
    case EPERM: return "EPERM";
    case EACCES: return "EACCES";
    case ENODEV: return "ENODEV";
    case ENXIO: return "ENXIO";
    case ENETDOWN: return "ENETDOWN";
    case EAGAIN: return "EAGAIN";
    case ENOBUFS: return "ENOBUFS";
    case EINVAL: return "EINVAL";
    case EMSGSIZE: return "EMSGSIZE";
    case EAFNOSUPPORT: return "EAFNOSUPPORT";
    default: return "EIO";
  }
}

static napi_value throw_errno(napi_env env, const char *what, int err) {
  char msg[256];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  napi_throw_error(env, errno_code(err), msg);
  return NULL;
}

static int ensure_socket(void) {
  if (packet_fd >= 0) return 0;
  int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno;
  packet_fd = fd;
  return 0;
}

// Reads `v` as an interface name (1..IFNAMSIZ-1 bytes, as the kernel allows) into `name`, NUL-terminated.
static int get_ifname(napi_env env, napi_value v, char name[IFNAMSIZ]) {
  size_t len = 0;
  memset(name, 0, IFNAMSIZ);
  if (napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok || len == 0 || len > IFNAMSIZ - 1 ||
      napi_get_value_string_utf8(env, v, name, IFNAMSIZ, &len) != napi_ok) {
    napi_throw_type_error(env, "EINVAL", "interface name must be a non-empty string of at most 15 bytes");
    return -1;
  }
  return 0;
}

// interfaceInfo(name) -> { index, mac: Buffer(6) | null (not Ethernet), flags }.
static napi_value interface_info(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 1) return throw_errno(env, "interfaceInfo", EINVAL);
  char name[IFNAMSIZ];
  if (get_ifname(env, argv[0], name) != 0) return NULL;
  int err = ensure_socket();
  if (err) return throw_errno(env, "socket(AF_PACKET)", err);

  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  memcpy(ifr.ifr_name, name, IFNAMSIZ);
  if (ioctl(packet_fd, SIOCGIFINDEX, &ifr) < 0) return throw_errno(env, name, errno);
  int index = ifr.ifr_ifindex;
  if (ioctl(packet_fd, SIOCGIFFLAGS, &ifr) < 0) return throw_errno(env, name, errno);
  int flags = ifr.ifr_flags;
  if (ioctl(packet_fd, SIOCGIFHWADDR, &ifr) < 0) return throw_errno(env, name, errno);

  napi_value out, v_index, v_flags, v_mac;
  napi_create_object(env, &out);
  napi_create_int32(env, index, &v_index);
  napi_create_int32(env, flags, &v_flags);
  if (ifr.ifr_hwaddr.sa_family == ARPHRD_ETHER) {
    void *data = NULL;
    napi_create_buffer_copy(env, ETH_ALEN, ifr.ifr_hwaddr.sa_data, &data, &v_mac);
  } else {
    napi_get_null(env, &v_mac);
  }
  napi_set_named_property(env, out, "index", v_index);
  napi_set_named_property(env, out, "flags", v_flags);
  napi_set_named_property(env, out, "mac", v_mac);
  return out;
}

// sendFrame(ifindex, frame: Buffer) -> undefined. `frame` is a whole Ethernet frame (destination MAC first);
// MSG_DONTWAIT: a full device queue is reported (EAGAIN/ENOBUFS), never waited on by the event loop.
static napi_value send_frame(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t index = 0;
  if (argc < 2 || napi_get_value_int32(env, argv[0], &index) != napi_ok || index <= 0) {
    napi_throw_type_error(env, "EINVAL", "sendFrame(ifindex, frame): ifindex must be a positive integer");
    return NULL;
  }
  void *data = NULL;
  size_t len = 0;
  bool is_buffer = false;
  napi_is_buffer(env, argv[1], &is_buffer);
  if (!is_buffer || napi_get_buffer_info(env, argv[1], &data, &len) != napi_ok || len < ETH_HLEN) {
    napi_throw_type_error(env, "EINVAL", "sendFrame(ifindex, frame): frame must be a Buffer holding an Ethernet frame");
    return NULL;
  }
  int err = ensure_socket();
  if (err) return throw_errno(env, "socket(AF_PACKET)", err);

  struct sockaddr_ll to;
  memset(&to, 0, sizeof to);
  to.sll_family = AF_PACKET;
  to.sll_ifindex = index;
  to.sll_halen = ETH_ALEN;
  memcpy(to.sll_addr, data, ETH_ALEN);
  // The protocol field of the frame itself (bytes 12-13), e.g. 0x0806 for ARP.
  memcpy(&to.sll_protocol, (const unsigned char *)data + 12, 2);
  ssize_t n = sendto(packet_fd, data, len, MSG_DONTWAIT, (struct sockaddr *)&to, sizeof to);
  if (n < 0) return throw_errno(env, "sendto(AF_PACKET)", errno);
  if ((size_t)n != len) return throw_errno(env, "sendto(AF_PACKET): short write", EMSGSIZE);
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    { "interfaceInfo", NULL, interface_info, NULL, NULL, NULL, napi_default, NULL },
    { "sendFrame", NULL, send_frame, NULL, NULL, NULL, napi_default, NULL },
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
