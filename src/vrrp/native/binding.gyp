# node-gyp build of the AF_PACKET frame sender (src/vrrp/native/packet.c), run by `npm ci` (package.json "install").
{
  "targets": [
    {
      "target_name": "hapair_packet",
      "sources": ["packet.c"],
      "cflags": ["-Wall", "-Wextra", "-O2"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
