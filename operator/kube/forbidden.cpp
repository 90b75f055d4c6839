#include "operator/kube/forbidden.hpp"

namespace kiln::kube {
namespace {

// The text between `open` + quote and the next quote after position `from`.
std::optional<std::string> quoted_after(const std::string& text, const std::string& open,
                                        std::size_t& from) {
  const auto at = text.find(open + "\"", from);
  if (at == std::string::npos) return std::nullopt;
  const auto start = at + open.size() + 1;
  const auto end = text.find('"', start);
  if (end == std::string::npos) return std::nullopt;
  from = end + 1;
  return text.substr(start, end - start);
}

}  // namespace

std::string MissingPermission::describe() const {
  std::string out = verb + " " + resource + (group.empty() ? "" : "." + group);
  out += namespace_.empty() ? " at the cluster scope" : " in namespace " + namespace_;
  return out;
}

std::optional<MissingPermission> parse_forbidden_message(const std::string& message) {
  // <resource>[.<group>] "<name>" is forbidden: User "<user>" cannot <verb> resource
  // "<resource>" in API group "<group>" (in the namespace "<ns>" | at the cluster scope)
  MissingPermission p;
  std::size_t at = 0;
  if (const auto forbidden = message.find("is forbidden: "); forbidden != std::string::npos) {
    const auto head = message.substr(0, forbidden);
    if (const auto q = head.find('"'); q != std::string::npos) {
      const auto end = head.find('"', q + 1);
      if (end != std::string::npos) p.name = head.substr(q + 1, end - q - 1);
    }
    at = forbidden;
  }
  auto user = quoted_after(message, "User ", at);
  if (!user) return std::nullopt;
  p.user = *user;
  const std::string cannot = " cannot ";
  const auto verb_at = message.find(cannot, at);
  if (verb_at == std::string::npos) return std::nullopt;
  const auto verb_start = verb_at + cannot.size();
  const auto verb_end = message.find(' ', verb_start);
  if (verb_end == std::string::npos) return std::nullopt;
  p.verb = message.substr(verb_start, verb_end - verb_start);
  at = verb_end;
  auto resource = quoted_after(message, "resource ", at);
  if (!resource) return std::nullopt;
  p.resource = *resource;
  if (auto group = quoted_after(message, "in API group ", at)) p.group = *group;
  if (auto ns = quoted_after(message, "in the namespace ", at)) p.namespace_ = *ns;
  return p;
}

}  // namespace kiln::kube
