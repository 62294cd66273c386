// The loopback test rig (../shared/rig): a real nginx-rtmp that records every publish session
// and a real icecast2 mount fed in real time. Started per test, stopped at scope exit.
#pragma once
#include <string>
#include <vector>

namespace loopcast::test {

class Rig {
 public:
  Rig();  // throws std::runtime_error when the rig cannot come up
  ~Rig();
  Rig(const Rig&) = delete;
  Rig& operator=(const Rig&) = delete;

  std::string rtmp_url(const std::string& stream) const;
  std::string icecast_url() const;
  std::string loops_dir() const { return dir_ + "/loops"; }
  std::string loop_a() const { return dir_ + "/loops/a.mp4"; }
  std::string loop_b() const { return dir_ + "/loops/b.mp4"; }
  std::string dir() const { return dir_; }
  std::vector<std::string> recordings() const;  // sorted by name (nginx names them by time)
  std::string stat_xml() const;
  void set_title(const std::string& artist_title) const;
  void stop_icecast();   // the station goes away (server and source)
  void start_icecast();  // and comes back
  void stop_nginx();     // the ingest goes away
  void start_nginx();
  int rtmp_port() const { return rtmp_port_; }
  int ice_port() const { return ice_port_; }

 private:
  void wait_icecast() const;
  std::string rig_src_;
  std::string dir_;
  int rtmp_port_ = 0, ice_port_ = 0;
};

}  // namespace loopcast::test
