// kiln-fetch register/pull as a process against real servers on loopback:
// docker-registry (no auth, Basic, token, TLS), an HTTPS source with a
// self-signed CA, versitygw (S3), local files.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <thread>

#include "operator/oci/image_manifest.hpp"
#include "operator/oci/registry_client.hpp"
#include "tests/integration/fetch/fetch_fixture.hpp"
#include "tests/support/command.hpp"

namespace kiln::testing {
namespace {

namespace fs = std::filesystem;

class KilnFetchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    scratch_ = make_temp_dir("kiln-fetch-test");
    work_ = scratch_ + "/work";
    fs::create_directories(work_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(scratch_, ec);
  }

  std::vector<std::string> register_args(const RegistryProcess& registry, const std::string& source,
                                         const std::string& name = "iris") {
    std::vector<std::string> a{"register",
                               "--source",
                               source,
                               "--repository",
                               registry.host() + "/models/ns/" + name,
                               "--work-dir",
                               work_,
                               "--attempts",
                               "2"};
    if (registry.tls()) {
      a.insert(a.end(), {"--registry-ca", registry.ca_file()});
    } else {
      a.push_back("--registry-plain-http");
    }
    return a;
  }
  FetchRun run(std::vector<std::string> args) { return run_kiln_fetch(std::move(args), scratch_); }

  oci::RegistryClient client(const RegistryProcess& registry) {
    oci::RegistryOptions o;
    o.registry = registry.host();
    o.plain_http = !registry.tls();
    if (registry.tls()) o.tls.ca_file = registry.ca_file();
    o.credentials = oci::Credentials{kRegistryUser, kRegistryPassword, ""};
    return oci::RegistryClient(o);
  }

  // Extracts the pushed image's one layer with GNU tar (an independent reader)
  // into a fresh directory; returns it.
  std::string extract_layer_with_tar(const RegistryProcess& registry, const std::string& repo,
                                     const std::string& digest) {
    auto c = client(registry);
    auto manifest = oci::parse_image_manifest(c.get_manifest(repo, digest).body);
    EXPECT_EQ(manifest.layers.size(), 1u);
    const std::string tar = scratch_ + "/layer.tar";
    write_file(tar, c.get_blob(repo, manifest.layers.at(0).digest));
    const std::string out = make_temp_dir("kiln-layer");
    extracted_.push_back(out);
    auto r = run_command({"tar", "-xf", tar, "-C", out});
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return out;
  }
  ~KilnFetchTest() override {
    std::error_code ec;
    for (const auto& d : extracted_) fs::remove_all(d, ec);
  }

  int blob_writes(const RegistryProcess& r) const {
    return r.count_requests("POST", "/blobs/uploads") + r.count_requests("PUT", "/blobs/uploads") +
           r.count_requests("PATCH", "/blobs/uploads");
  }

  std::string scratch_;
  std::string work_;
  std::vector<std::string> extracted_;
};

TEST_F(KilnFetchTest, FileSourceLayerHoldsTheBytesAndPullRestoresThem) {
  RegistryProcess registry;
  const std::string model = scratch_ + "/src/model.onnx";
  fs::create_directories(scratch_ + "/src");
  write_random_file(model, 3 * 1024 * 1024 + 17, 1);
  const std::string sha = sha256_of_file(model);

  auto reg = run(register_args(registry, "file://" + model));
  ASSERT_EQ(reg.exit_code, 0) << reg.output;
  EXPECT_EQ(reg.result["contentSha256"], sha);
  EXPECT_EQ(reg.result["sizeBytes"], 3 * 1024 * 1024 + 17);
  const std::string digest = reg.result["digest"];
  EXPECT_EQ(reg.result["image"], registry.host() + "/models/ns/iris@" + digest);

  // The reported digest is the one the registry serves under the tag.
  auto head = client(registry).head_manifest("models/ns/iris", "sha256-" + sha);
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->digest, digest);
  // The layer holds exactly the source's bytes, under the file's base name.
  const std::string layer = extract_layer_with_tar(registry, "models/ns/iris", digest);
  EXPECT_EQ(read_file(layer + "/model.onnx"), read_file(model));
  EXPECT_EQ(std::distance(fs::directory_iterator(layer), fs::directory_iterator()), 1);

  // Pulling by digest restores them, atomically into a new directory.
  const std::string dest = scratch_ + "/models/iris/1";
  auto pull =
      run({"pull", "--image", reg.result["image"], "--dest", dest, "--registry-plain-http"});
  ASSERT_EQ(pull.exit_code, 0) << pull.output;
  EXPECT_EQ(read_file(dest + "/model.onnx"), read_file(model));
  EXPECT_EQ(pull.result["files"], 1);
  // Again: already there, nothing to do.
  auto again =
      run({"pull", "--image", reg.result["image"], "--dest", dest, "--registry-plain-http"});
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(again.result["alreadyPresent"], true);
  // Nothing left in the work directory (the layer was an unnamed temporary file).
  EXPECT_TRUE(fs::is_empty(work_));
}

TEST_F(KilnFetchTest, DirectorySourceKeepsTheTree) {
  RegistryProcess registry;
  const std::string src = scratch_ + "/src";
  write_file(src + "/score.py", "def init(): pass\n");
  write_file(src + "/weights/a.bin", std::string(100000, 'a'));
  write_file(src + "/weights/deep/b.bin", "");
  write_file(src + "/" + std::string(90, 'x') + "/" + std::string(80, 'y') + ".txt", "long");

  auto reg = run(register_args(registry, "file://" + src));
  ASSERT_EQ(reg.exit_code, 0) << reg.output;
  const std::string layer =
      extract_layer_with_tar(registry, "models/ns/iris", reg.result["digest"]);
  for (const char* f : {"/score.py", "/weights/a.bin", "/weights/deep/b.bin"}) {
    EXPECT_EQ(read_file(layer + f), read_file(src + f)) << f;
  }
  const std::string dest = scratch_ + "/pulled";
  auto pull =
      run({"pull", "--image", reg.result["image"], "--dest", dest, "--registry-plain-http"});
  ASSERT_EQ(pull.exit_code, 0) << pull.output;
  EXPECT_EQ(pull.result["files"], 4);
  EXPECT_EQ(read_file(dest + "/" + std::string(90, 'x') + "/" + std::string(80, 'y') + ".txt"),
            "long");
  EXPECT_EQ(read_file(dest + "/weights/a.bin"), std::string(100000, 'a'));
}

TEST_F(KilnFetchTest, SameSourceTwicePushesNoBlobTwice) {
  RegistryProcess registry;
  const std::string model = scratch_ + "/model.pkl";
  write_random_file(model, 500000, 2);
  auto first = run(register_args(registry, "file://" + model));
  ASSERT_EQ(first.exit_code, 0) << first.output;
  const int writes = blob_writes(registry);
  EXPECT_EQ(registry.count_requests("PUT", "/blobs/uploads"), 2);  // layer and config
  EXPECT_EQ(registry.count_requests("PUT", "/manifests/"), 1);

  auto second = run(register_args(registry, "file://" + model));
  ASSERT_EQ(second.exit_code, 0) << second.output;
  EXPECT_EQ(second.result["digest"], first.result["digest"]);
  EXPECT_EQ(blob_writes(registry), writes) << registry.log();
  EXPECT_EQ(registry.count_requests("PUT", "/manifests/"), 1);

  // The same bytes under another name: same layer, the digest of the image
  // the same too (content-addressed), still no new blob in this repository.
  const std::string copy = scratch_ + "/copy/model.pkl";
  write_file(copy, read_file(model));
  auto third = run(register_args(registry, "file://" + copy));
  ASSERT_EQ(third.exit_code, 0) << third.output;
  EXPECT_EQ(third.result["digest"], first.result["digest"]);
  EXPECT_EQ(blob_writes(registry), writes);
}

TEST_F(KilnFetchTest, ChangedSourceGivesANewDigestAndKeepsTheOld) {
  RegistryProcess registry;
  const std::string model = scratch_ + "/model.bin";
  write_file(model, "version one");
  auto v1 = run(register_args(registry, "file://" + model));
  ASSERT_EQ(v1.exit_code, 0) << v1.output;
  write_file(model, "version two");
  auto v2 = run(register_args(registry, "file://" + model));
  ASSERT_EQ(v2.exit_code, 0) << v2.output;
  EXPECT_NE(v1.result["digest"], v2.result["digest"]);
  EXPECT_NE(v1.result["contentSha256"], v2.result["contentSha256"]);
  auto c = client(registry);
  EXPECT_EQ(
      c.head_manifest("models/ns/iris", "sha256-" + v1.result["contentSha256"].get<std::string>())
          ->digest,
      v1.result["digest"]);
  EXPECT_EQ(
      c.head_manifest("models/ns/iris", "sha256-" + v2.result["contentSha256"].get<std::string>())
          ->digest,
      v2.result["digest"]);
}

TEST_F(KilnFetchTest, Sha256MismatchPushesNothing) {
  RegistryProcess registry;
  const std::string model = scratch_ + "/model.bin";
  write_file(model, "the real bytes");
  auto args = register_args(registry, "file://" + model);
  args.insert(args.end(), {"--sha256", std::string(64, 'a')});
  auto r = run(args);
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_EQ(r.reason(), "DigestMismatch");
  EXPECT_NE(r.result["message"].get<std::string>().find(sha256_of_file(model)), std::string::npos);
  EXPECT_EQ(blob_writes(registry), 0);
  EXPECT_EQ(registry.count_requests("PUT", "/manifests/"), 0);

  auto ok_args = register_args(registry, "file://" + model);
  ok_args.insert(ok_args.end(), {"--sha256", sha256_of_file(model)});
  auto ok = run(ok_args);
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
}

TEST_F(KilnFetchTest, HttpsSourceWithSelfSignedCaAndHeaders) {
  RegistryProcess registry;
  const std::string root = scratch_ + "/www";
  fs::create_directories(root + "/models");
  write_random_file(root + "/models/model.onnx", 1000000, 3);
  SourceServer server(root, /*tls=*/true, "Authorization: Bearer s3cr3t");
  const std::string secret = scratch_ + "/secret";
  write_file(secret + "/headers", "# a comment\nAuthorization: Bearer s3cr3t\n");

  auto args = register_args(registry, server.url("/models/model.onnx"));
  args.insert(args.end(), {"--source-ca", server.cert_file(), "--source-secret-dir", secret});
  auto ok = run(args);
  ASSERT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_EQ(ok.result["contentSha256"], sha256_of_file(root + "/models/model.onnx"));
  const std::string layer = extract_layer_with_tar(registry, "models/ns/iris", ok.result["digest"]);
  EXPECT_EQ(read_file(layer + "/model.onnx"), read_file(root + "/models/model.onnx"));

  // Untrusted certificate.
  auto no_ca = run(register_args(registry, server.url("/models/model.onnx")));
  EXPECT_EQ(no_ca.exit_code, 3) << no_ca.output;
  EXPECT_EQ(no_ca.reason(), "SourceTLS");
  // Wrong credentials.
  write_file(secret + "/headers", "Authorization: Bearer wrong\n");
  auto wrong = run(args);
  EXPECT_EQ(wrong.reason(), "SourceUnauthorized") << wrong.output;
  // 404.
  write_file(secret + "/headers", "Authorization: Bearer s3cr3t\n");
  auto missing_args = register_args(registry, server.url("/models/nope.onnx"));
  missing_args.insert(missing_args.end(),
                      {"--source-ca", server.cert_file(), "--source-secret-dir", secret});
  auto missing = run(missing_args);
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_EQ(missing.reason(), "SourceNotFound") << missing.output;
  // Nothing reached the registry but the first registration.
  EXPECT_EQ(registry.count_requests("PUT", "/manifests/"), 1);
}

TEST_F(KilnFetchTest, InterruptedDownloadIsRetriedThenFailsLeavingNothing) {
  RegistryProcess registry;
  const std::string root = scratch_ + "/www";
  write_random_file(root + "/model.bin", 4 * 1024 * 1024, 4);
  SourceServer server(root, /*tls=*/false);
  auto r = run(register_args(registry, server.url("/truncated/model.bin")));
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_EQ(r.reason(), "SourceUnreachable");
  EXPECT_NE(r.result["message"].get<std::string>().find("2 attempts"), std::string::npos)
      << r.result;
  EXPECT_EQ(blob_writes(registry), 0);
  EXPECT_TRUE(fs::is_empty(work_));
  auto ok = run(register_args(registry, server.url("/model.bin")));
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
}

TEST_F(KilnFetchTest, KilledRegisterAndPullLeaveNothingHalfWritten) {
  RegistryProcess registry;
  const std::string model = scratch_ + "/big.bin";
  write_random_file(model, 300 * 1024 * 1024, 5);

  // register killed while reading: no tag in the registry, nothing in the work dir.
  {
    std::vector<std::string> argv{KILN_FETCH_BIN};
    auto a = register_args(registry, "file://" + model);
    argv.insert(argv.end(), a.begin(), a.end());
    argv.insert(argv.end(), {"--result-file", "-"});
    ChildProcess p(argv, scratch_ + "/register.log");
    while (p.running() && p.log().find("reading") == std::string::npos) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    p.signal(SIGKILL);
    ASSERT_EQ(p.wait_for_exit(std::chrono::seconds(10)), 128 + SIGKILL) << p.log();
    EXPECT_TRUE(fs::is_empty(work_));
    EXPECT_EQ(registry.count_requests("PUT", "/manifests/"), 0);
  }
  auto reg = run(register_args(registry, "file://" + model));
  ASSERT_EQ(reg.exit_code, 0) << reg.output;

  // pull killed while downloading: no destination directory.
  const std::string dest = scratch_ + "/models/big/1";
  {
    ChildProcess p({KILN_FETCH_BIN, "pull", "--image", reg.result["image"], "--dest", dest,
                    "--registry-plain-http", "--result-file", "-"},
                   scratch_ + "/pull.log");
    auto staging_exists = [&] {
      std::error_code ec;
      for (const auto& e : fs::directory_iterator(scratch_ + "/models/big", ec)) {
        if (e.path().filename().string().starts_with(".1.kiln-pull-")) return true;
      }
      return false;
    };
    while (p.running() && !staging_exists()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    p.signal(SIGKILL);
    ASSERT_EQ(p.wait_for_exit(std::chrono::seconds(10)), 128 + SIGKILL) << p.log();
    EXPECT_FALSE(fs::exists(dest));
  }
  auto pull =
      run({"pull", "--image", reg.result["image"], "--dest", dest, "--registry-plain-http"});
  ASSERT_EQ(pull.exit_code, 0) << pull.output;
  EXPECT_EQ(sha256_of_file(dest + "/big.bin"), reg.result["contentSha256"]);
  // The interrupted pull's staging directory is gone.
  int entries = 0;
  for (const auto& e : fs::directory_iterator(scratch_ + "/models/big")) {
    (void)e;
    ++entries;
  }
  EXPECT_EQ(entries, 2);  // 1/ and .1.kiln-digest
}

TEST_F(KilnFetchTest, CorruptedBlobFailsThePullAndLeavesNoDestination) {
  RegistryProcess registry;
  const std::string model = scratch_ + "/model.bin";
  write_random_file(model, 200000, 6);
  auto reg = run(register_args(registry, "file://" + model));
  ASSERT_EQ(reg.exit_code, 0) << reg.output;
  // Flip the layer's bytes in the registry's storage.
  auto manifest = oci::parse_image_manifest(
      client(registry).get_manifest("models/ns/iris", reg.result["digest"]).body);
  const std::string hex = manifest.layers.at(0).digest.substr(7);
  const std::string blob = registry.dir() + "/data/docker/registry/v2/blobs/sha256/" +
                           hex.substr(0, 2) + "/" + hex + "/data";
  std::string bytes = read_file(blob);
  ASSERT_FALSE(bytes.empty());
  bytes[bytes.size() / 2] ^= 0x55;
  write_file(blob, bytes);

  const std::string dest = scratch_ + "/out";
  auto pull = run({"pull", "--image", reg.result["image"], "--dest", dest, "--registry-plain-http",
                   "--attempts", "1"});
  EXPECT_EQ(pull.exit_code, 3) << pull.output;
  EXPECT_EQ(pull.reason(), "DigestMismatch");
  EXPECT_FALSE(fs::exists(dest));
  EXPECT_TRUE(fs::is_empty(scratch_ + "/work"));
}

TEST_F(KilnFetchTest, RegistryWithBasicAuth) {
  RegistryProcess registry(RegistryAuth::kBasic);
  const std::string model = scratch_ + "/model.bin";
  write_file(model, "bytes");
  auto args = register_args(registry, "file://" + model);
  auto anonymous = run(args);
  EXPECT_EQ(anonymous.exit_code, 4) << anonymous.output;
  EXPECT_EQ(anonymous.reason(), "RegistryUnauthorized");

  auto wrong = args;
  wrong.insert(wrong.end(), {"--registry-config", registry.write_docker_config("kiln", "nope")});
  auto w = run(wrong);
  EXPECT_EQ(w.exit_code, 4);
  EXPECT_EQ(w.reason(), "RegistryUnauthorized") << w.output;

  args.insert(args.end(), {"--registry-config",
                           registry.write_docker_config(kRegistryUser, kRegistryPassword)});
  auto ok = run(args);
  ASSERT_EQ(ok.exit_code, 0) << ok.output;
  auto pull = run({"pull", "--image", ok.result["image"], "--dest", scratch_ + "/out",
                   "--registry-plain-http", "--registry-config", registry.dir() + "/config.json"});
  ASSERT_EQ(pull.exit_code, 0) << pull.output;
  EXPECT_EQ(read_file(scratch_ + "/out/model.bin"), "bytes");
}

TEST_F(KilnFetchTest, RegistryWithTokenAuthAndTls) {
  RegistryProcess registry(RegistryAuth::kToken, /*tls=*/true);
  const std::string model = scratch_ + "/model.bin";
  write_file(model, "token bytes");
  auto args = register_args(registry, "file://" + model);
  args.insert(args.end(), {"--registry-config",
                           registry.write_docker_config(kRegistryUser, kRegistryPassword)});
  auto ok = run(args);
  ASSERT_EQ(ok.exit_code, 0) << ok.output;
  auto pull =
      run({"pull", "--image", ok.result["image"], "--dest", scratch_ + "/out", "--registry-ca",
           registry.ca_file(), "--registry-config", registry.dir() + "/config.json"});
  ASSERT_EQ(pull.exit_code, 0) << pull.output;
  EXPECT_EQ(read_file(scratch_ + "/out/model.bin"), "token bytes");

  auto r = run({"register", "--source", "file://" + model, "--repository",
                registry.host() + "/models/ns/iris", "--work-dir", work_, "--attempts", "1"});
  EXPECT_EQ(r.exit_code, 4) << r.output;
  EXPECT_EQ(r.reason(), "RegistryUnreachable");
  EXPECT_NE(r.result["message"].get<std::string>().find("--registry-ca"), std::string::npos);
}

TEST_F(KilnFetchTest, ReadOnlyRegistryRefusesThePush) {
  RegistryProcess registry(RegistryAuth::kNone, false, /*read_only=*/true);
  const std::string model = scratch_ + "/model.bin";
  write_file(model, "bytes");
  auto r = run(register_args(registry, "file://" + model));
  EXPECT_EQ(r.exit_code, 4) << r.output;
  EXPECT_EQ(r.reason(), "PushRefused") << r.output;
}

TEST_F(KilnFetchTest, OciSourceIsOnlyResolved) {
  RegistryProcess registry(RegistryAuth::kBasic);
  const std::string config = registry.write_docker_config(kRegistryUser, kRegistryPassword);
  const std::string model = scratch_ + "/model.bin";
  write_file(model, "already an image");
  auto args = register_args(registry, "file://" + model, "upstream");
  args.insert(args.end(), {"--registry-config", config});
  auto pushed = run(args);
  ASSERT_EQ(pushed.exit_code, 0) << pushed.output;
  const std::string tag = "sha256-" + pushed.result["contentSha256"].get<std::string>();
  const int puts = registry.count_requests("PUT", "/");

  auto oci = register_args(registry, "oci://" + registry.host() + "/models/ns/upstream:" + tag);
  oci.insert(oci.end(), {"--registry-config", config});
  auto r = run(oci);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.result["digest"], pushed.result["digest"]);
  EXPECT_EQ(r.result["image"], pushed.result["image"]);
  EXPECT_EQ(registry.count_requests("PUT", "/"), puts);
  EXPECT_EQ(registry.count_requests("POST", "/"), 2);

  auto missing = register_args(registry, "oci://" + registry.host() + "/models/ns/upstream:nope");
  missing.insert(missing.end(), {"--registry-config", config});
  auto m = run(missing);
  EXPECT_EQ(m.reason(), "SourceNotFound") << m.output;
  auto anonymous =
      run(register_args(registry, "oci://" + registry.host() + "/models/ns/upstream:" + tag));
  EXPECT_EQ(anonymous.reason(), "SourceUnauthorized") << anonymous.output;
}

TEST_F(KilnFetchTest, S3SourceFromVersitygw) {
  const std::string root = scratch_ + "/s3";
  write_random_file(root + "/models/iris/model.onnx", 2 * 1024 * 1024, 7);
  write_file(root + "/models/iris/score.py", "def run(x): return x\n");
  write_file(root + "/models/other/x.bin", "x");
  S3Server s3(root);
  if (!s3.available()) GTEST_SKIP() << "versitygw is not built: run tests/cluster/build.sh";
  RegistryProcess registry;
  const std::string secret = scratch_ + "/s3secret";
  write_file(secret + "/accessKeyId", S3Server::kAccessKey);
  write_file(secret + "/secretAccessKey", std::string(S3Server::kSecretKey) + "\n");
  write_file(secret + "/endpoint", s3.endpoint());

  auto one = register_args(registry, "s3://models/iris/model.onnx");
  one.insert(one.end(), {"--source-secret-dir", secret});
  auto r1 = run(one);
  ASSERT_EQ(r1.exit_code, 0) << r1.output << s3.log();
  EXPECT_EQ(r1.result["contentSha256"], sha256_of_file(root + "/models/iris/model.onnx"));
  const std::string layer = extract_layer_with_tar(registry, "models/ns/iris", r1.result["digest"]);
  EXPECT_EQ(read_file(layer + "/model.onnx"), read_file(root + "/models/iris/model.onnx"));

  auto prefix = register_args(registry, "s3://models/iris/", "iris-dir");
  prefix.insert(prefix.end(), {"--source-secret-dir", secret});
  auto r2 = run(prefix);
  ASSERT_EQ(r2.exit_code, 0) << r2.output;
  const std::string tree =
      extract_layer_with_tar(registry, "models/ns/iris-dir", r2.result["digest"]);
  EXPECT_EQ(read_file(tree + "/model.onnx"), read_file(root + "/models/iris/model.onnx"));
  EXPECT_EQ(read_file(tree + "/score.py"), "def run(x): return x\n");
  EXPECT_FALSE(fs::exists(tree + "/x.bin"));

  // A changed object: a new content digest and image.
  write_random_file(root + "/models/iris/model.onnx", 2 * 1024 * 1024, 8);
  auto changed = run(one);
  ASSERT_EQ(changed.exit_code, 0) << changed.output;
  EXPECT_EQ(changed.result["contentSha256"], sha256_of_file(root + "/models/iris/model.onnx"));
  EXPECT_NE(changed.result["digest"], r1.result["digest"]);

  auto missing = register_args(registry, "s3://models/iris/nope.onnx");
  missing.insert(missing.end(), {"--source-secret-dir", secret});
  EXPECT_EQ(run(missing).reason(), "SourceNotFound");

  write_file(secret + "/secretAccessKey", "wrong");
  auto wrong = run(one);
  EXPECT_EQ(wrong.exit_code, 3);
  EXPECT_EQ(wrong.reason(), "SourceUnauthorized") << wrong.output;
}

// A host name that does not resolve, with a real resolver failure and no query
// leaving loopback: kiln-fetch runs in its own network namespace (only `lo`)
// whose /etc/resolv.conf names 127.0.0.1, where nothing answers.
TEST_F(KilnFetchTest, UnresolvableHostIsSourceDnsWithoutLeavingLoopback) {
  if (run_command({"unshare", "-n", "-m", "true"}).exit_code != 0) {
    GTEST_SKIP() << "needs root (unshare -n -m) for a private network namespace";
  }
  write_file(scratch_ + "/resolv.conf", "nameserver 127.0.0.1\n");
  const std::string result_file = scratch_ + "/dns-result.json";
  const std::string script =
      "ip link set lo up && mount --bind " + scratch_ +
      "/resolv.conf /etc/resolv.conf && exec " KILN_FETCH_BIN
      " register --source https://models.kiln-test.invalid/model.pkl --repository "
      "127.0.0.1:9/models/ns/dns --registry-plain-http --attempts 2 --work-dir " +
      work_ + " --result-file " + result_file;
  auto r = run_command({"unshare", "-n", "-m", "sh", "-c", script});
  EXPECT_EQ(r.exit_code, 3) << r.output;  // transient: the Model controller retries it later
  auto result = nlohmann::json::parse(read_file(result_file), nullptr, false);
  EXPECT_EQ(result.value("reason", ""), "SourceDNS") << r.output;
  EXPECT_NE(result.value("message", "").find("models.kiln-test.invalid"), std::string::npos)
      << result;
  EXPECT_NE(result.value("message", "").find("2 attempts"), std::string::npos) << result;
  EXPECT_TRUE(fs::is_empty(work_));
}

TEST_F(KilnFetchTest, BadArgumentsAreInvalidArguments) {
  RegistryProcess registry;
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"register", "--source", "ftp://x/y", "--repository", registry.host() + "/models/a/b"},
           {"register", "--source", "file:///x", "--repository", "no-host/models/a/b"},
           {"register", "--source", "file:///x", "--repository", registry.host() + "/a:tag"},
           {"register", "--source", "file:///x", "--repository", registry.host() + "/a", "--sha256",
            "xyz"},
           {"register", "--source", "http://example.com/x", "--repository", registry.host() + "/a"},
           {"pull", "--image", registry.host() + "/a:v1", "--dest", scratch_ + "/d"},
           {"register", "--repository", registry.host() + "/a"},
       }) {
    auto r = run(args);
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_EQ(r.reason(), "InvalidArguments") << r.output;
  }
  auto missing = run(register_args(registry, "file://" + scratch_ + "/nothing-here"));
  EXPECT_EQ(missing.reason(), "SourceNotFound");
}

}  // namespace
}  // namespace kiln::testing
