// The loopback test rig (tests/rig, or $LOOPCAST_RIG_DIR): a real nginx-rtmp that records every
// publish session to DIR/rec/*.flv and a real icecast2 mount fed in real time. Started per test in a
// fresh temp dir, stopped (down.sh) and removed at scope exit — kept when $LOOPCAST_KEEP_RIG is set.
#pragma once
#include <string>
#include <vector>

namespace loopcast::test {

class Rig {
 public:
  Rig();  // throws std::runtime_error when the rig cannot come up (nothing is left running)
  ~Rig();
  Rig(const Rig&) = delete;
  Rig& operator=(const Rig&) = delete;

  std::string rtmp_url(const std::string& stream) const;  // rtmp://127.0.0.1:P/live/NAME
  std::string icecast_url() const;                        // http://127.0.0.1:I/radio.mp3
  std::string loops_dir() const { return dir_ + "/loops"; }
  std::string loop_a() const { return dir_ + "/loops/a.mp4"; }  // testsrc2, 10 s 720p30, GOP 2 s
  std::string loop_b() const { return dir_ + "/loops/b.mp4"; }  // mandelbrot, same format
  std::string music() const { return dir_ + "/music.mp3"; }
  std::string dir() const { return dir_; }
  std::vector<std::string> recordings() const;  // DIR/rec/*.flv sorted by name (nginx names them by time)
  std::string stat_xml() const;                 // nginx-rtmp /stat on port P+1; "" when down
  // After the publisher has gone: waits until nginx has closed every session (its recordings are
  // complete); false when one is still open after timeout_s.
  bool wait_recordings_closed(double timeout_s = 10) const;
  bool set_title(const std::string& artist_title) const;  // in-band ICY StreamTitle via title.sh

  // The station goes away (icecast2 and its source client) and comes back (waits until it serves).
  void stop_icecast();
  void start_icecast();
  void kill_icecast() { stop_icecast(); }
  void start_icecast_again() { start_icecast(); }
  // The ingest goes away (open sessions end, recordings are closed) and comes back.
  void stop_nginx();
  void start_nginx();
  void start_nginx_again() { start_nginx(); }

  int rtmp_port() const { return rtmp_port_; }
  int stat_port() const { return rtmp_port_ + 1; }
  int ice_port() const { return ice_port_; }

 private:
  void down() const;
  void wait_icecast() const;
  std::string rig_src_;
  std::string dir_;
  int rtmp_port_ = 0, ice_port_ = 0;
};

}  // namespace loopcast::test
