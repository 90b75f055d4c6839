#include "tests/integration/manager/stallable_proxy.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <stdexcept>

namespace kiln::testing {
namespace {

int connect_to(const std::string& host, unsigned short port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  ::inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Writes all of `data`; false when the peer is gone.
bool write_all(int fd, const char* data, ssize_t n) {
  while (n > 0) {
    ssize_t w = ::send(fd, data, static_cast<size_t>(n), MSG_NOSIGNAL);
    if (w <= 0) return false;
    data += w;
    n -= w;
  }
  return true;
}

}  // namespace

StallableProxy::StallableProxy(std::string upstream_host, unsigned short upstream_port)
    : upstream_host_(std::move(upstream_host)), upstream_port_(upstream_port) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_fd_, 64) != 0) {
    throw std::runtime_error("proxy: cannot listen on loopback");
  }
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

StallableProxy::~StallableProxy() {
  stopping_ = true;
  acceptor_.join();
  ::close(listen_fd_);
  std::lock_guard lock(threads_mu_);
  for (auto& t : threads_) t.join();
}

void StallableProxy::accept_loop() {
  while (!stopping_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    int client = ::accept(listen_fd_, nullptr, nullptr);
    if (client < 0) continue;
    std::lock_guard lock(threads_mu_);
    threads_.emplace_back([this, client] { pump(client); });
  }
}

// Forwards both ways until either side closes or the proxy stops; while
// stalled, reads nothing, so bytes wait in the kernel's buffers.
void StallableProxy::pump(int client_fd) {
  while (stalled_ && !stopping_) ::usleep(50'000);  // a new connection waits too
  int upstream_fd = connect_to(upstream_host_, upstream_port_);
  if (upstream_fd < 0) {
    ::close(client_fd);
    return;
  }
  std::array<char, 16384> buf;
  bool open = true;
  while (open && !stopping_) {
    if (stalled_) {
      ::usleep(50'000);
      continue;
    }
    pollfd p[2] = {{client_fd, POLLIN, 0}, {upstream_fd, POLLIN, 0}};
    if (::poll(p, 2, 100) <= 0) continue;
    for (int i = 0; i < 2 && open; ++i) {
      if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = ::recv(p[i].fd, buf.data(), buf.size(), 0);
      open = n > 0 && write_all(i == 0 ? upstream_fd : client_fd, buf.data(), n);
    }
  }
  ::close(client_fd);
  ::close(upstream_fd);
}

}  // namespace kiln::testing
