#include "operator/oci/docker_config.hpp"

#include <openssl/evp.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace kiln::oci {

std::string base64_encode(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(data.data()),
                          static_cast<int>(data.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string base64_decode(std::string_view in) {
  std::string data;
  for (char c : in) {
    if (c != '\n' && c != '\r' && c != ' ') data.push_back(c);
  }
  if (data.size() % 4 != 0) throw std::invalid_argument("base64 length is not a multiple of 4");
  std::string out(3 * data.size() / 4, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(data.data()),
                          static_cast<int>(data.size()));
  if (n < 0) throw std::invalid_argument("not valid base64");
  size_t len = static_cast<size_t>(n);
  // EVP_DecodeBlock counts padding as zero bytes.
  if (!data.empty() && data.back() == '=') --len;
  if (data.size() >= 2 && data[data.size() - 2] == '=') --len;
  out.resize(len);
  return out;
}

std::string normalize_registry_key(std::string_view key) {
  std::string_view k = key;
  if (auto p = k.find("://"); p != std::string_view::npos) k = k.substr(p + 3);
  if (auto slash = k.find('/'); slash != std::string_view::npos) k = k.substr(0, slash);
  std::string out(k);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (out == "index.docker.io" || out == "registry-1.docker.io") out = "docker.io";
  return out;
}

DockerConfig DockerConfig::parse(std::string_view text) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw InvalidDockerConfig(std::string("docker config is not JSON: ") + e.what());
  }
  if (!doc.is_object()) throw InvalidDockerConfig("docker config is not a JSON object");
  const nlohmann::json* auths = &doc;
  if (auto it = doc.find("auths"); it != doc.end()) {
    if (!it->is_object()) throw InvalidDockerConfig("docker config: \"auths\" is not an object");
    auths = &*it;
  }
  DockerConfig config;
  for (const auto& [key, entry] : auths->items()) {
    if (!entry.is_object()) continue;  // e.g. "credsStore" next to auths in the old layout
    Credentials c;
    auto str = [&](const char* field) {
      auto f = entry.find(field);
      return f != entry.end() && f->is_string() ? f->get<std::string>() : std::string();
    };
    c.username = str("username");
    c.password = str("password");
    c.identity_token = str("identitytoken");
    if (std::string auth = str("auth"); !auth.empty()) {
      std::string decoded;
      try {
        decoded = base64_decode(auth);
      } catch (const std::invalid_argument& e) {
        throw InvalidDockerConfig("docker config entry '" + key + "': \"auth\" " + e.what());
      }
      auto colon = decoded.find(':');
      if (colon == std::string::npos) {
        throw InvalidDockerConfig("docker config entry '" + key +
                                  "': \"auth\" is not base64 of user:password");
      }
      c.username = decoded.substr(0, colon);
      c.password = decoded.substr(colon + 1);
    }
    config.entries_[normalize_registry_key(key)] = std::move(c);
  }
  return config;
}

DockerConfig DockerConfig::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InvalidDockerConfig("cannot read docker config " + path);
  std::stringstream s;
  s << in.rdbuf();
  return parse(s.str());
}

std::optional<Credentials> DockerConfig::find(std::string_view registry) const {
  auto it = entries_.find(normalize_registry_key(registry));
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

}  // namespace kiln::oci
