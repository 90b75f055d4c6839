#include "reconcilers/model_package/context_archive.hpp"

#include <set>

#include "fetch/tar_format.hpp"

namespace kiln::reconcilers::model_package {
namespace {

void append_header(std::string& out, const std::string& path, std::uint64_t size,
                   fetch::TarType type) {
  const auto header = fetch::tar_header(path, size, type);
  out.append(header.data(), header.size());
}

}  // namespace

std::string context_archive(const environment::BuildContext& context) {
  std::string out;
  std::set<std::string> directories;
  for (const auto& [path, content] : context.files) {
    for (auto slash = path.find('/'); slash != std::string::npos;
         slash = path.find('/', slash + 1)) {
      const std::string directory = path.substr(0, slash + 1);
      if (directories.insert(directory).second) {
        append_header(out, directory, 0, fetch::TarType::kDirectory);
      }
    }
    append_header(out, path, content.size(), fetch::TarType::kFile);
    out += content;
    out.append(fetch::tar_padding(content.size()), '\0');
  }
  out.append(2 * fetch::kTarBlock, '\0');  // end of archive
  return out;
}

}  // namespace kiln::reconcilers::model_package
