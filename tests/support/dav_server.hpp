// A WebDAV server on loopback (nginx with `dav_methods PUT`, tests/rig/nginx-dav.conf) standing in
// for YouTube's HLS ingest: what is PUT under /PATH/ lands in files(), in its own nginx, so it can go
// away and come back (an ingest outage) without touching the RTMP rig.
#pragma once
#include <string>
#include <vector>

namespace loopcast::test {

class DavServer {
 public:
  DavServer();  // throws std::runtime_error when nginx does not come up
  ~DavServer();
  DavServer(const DavServer&) = delete;
  DavServer& operator=(const DavServer&) = delete;

  int port() const { return port_; }
  std::string url(const std::string& path) const;  // http://127.0.0.1:PORT + path
  std::string root() const { return dir_ + "/dav"; }  // where PUT /x/y lands: root() + "/x/y"
  std::string access_log() const;                     // "PUT /x/y 201" lines, in order
  void stop();   // nothing listens on port() afterwards: connections are refused
  void start();  // on the same port; returns once it accepts

 private:
  std::string dir_;
  int port_ = 0;
  int pid_ = -1;
};

}  // namespace loopcast::test
