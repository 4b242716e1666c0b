// scrypt password hashes (PHC strings), the verified-credentials cache, and the password checks
// the dyndns2 handler uses.
#include <array>
#include <chrono>
#include <cstdint>
#include <gtest/gtest.h>
#include <string>
#include <vector>

#include "accounts/credential_cache.hpp"
#include "accounts/password_hash.hpp"
#include "qdyn_server/config.hpp"

namespace {
namespace server_password_hash_test {

using namespace qdyn::server;
using namespace qdyn::server::accounts;

// Made with OpenSSL's command line, independent of our code, with the salt and the output then
// written in unpadded base64:
//   openssl kdf -keylen 32 -kdfopt 'pass:correct horse battery staple'
//     -kdfopt hexsalt:000102030405060708090a0b0c0d0e0f -kdfopt n:1024 -kdfopt r:8 -kdfopt p:1 SCRYPT
constexpr const char* kPassword = "correct horse battery staple";
constexpr const char* kOpenSslLn10 =
    "$scrypt$ln=10,r=8,p=1$AAECAwQFBgcICQoLDA0ODw$mp90zEQd5XGhjEv4WArVH4Z0XRSzkGWtJK2S/AXJlRU";
// The same with n:32768 (the default parameters).
constexpr const char* kOpenSslLn15 =
    "$scrypt$ln=15,r=8,p=1$AAECAwQFBgcICQoLDA0ODw$eo40JB24mNWRdcaWU4xBdGepdf/laQaEJfFhiNMVnFg";
// RFC 7914 section 12, third vector ("pleaseletmein", "SodiumChloride", N=16384, r=8, p=1, 64 octets).
constexpr const char* kRfc7914 =
    "$scrypt$ln=14,r=8,p=1$U29kaXVtQ2hsb3JpZGU$"
    "cCO9yzr9c0hGHAbNgf046/2o+7qQT44+qbVD9lRdofLVQylVYT8Pz2LUlwUkKpr55h6F3A1lHkDfzwF7RVdYhw";

const ScryptParams kFast{10, 8, 1};  // the cheapest accepted: keeps the tests quick

TEST(PasswordHash, VerifiesHashesMadeByOpenSslAndTheRfcVector) {
    EXPECT_TRUE(verifyPassword(kPassword, kOpenSslLn10));
    EXPECT_TRUE(verifyPassword(kPassword, kOpenSslLn15));
    EXPECT_TRUE(verifyPassword("pleaseletmein", kRfc7914));
    EXPECT_FALSE(verifyPassword("correct horse battery stapler", kOpenSslLn10));
    EXPECT_FALSE(verifyPassword("", kOpenSslLn10));
    EXPECT_FALSE(verifyPassword("pleaseletmeim", kRfc7914));
}

TEST(PasswordHash, MakesTheSameStringAsOpenSslForTheSameSalt) {
    std::array<std::uint8_t, 16> salt{};
    for (std::size_t i = 0; i < salt.size(); ++i)
        salt[i] = static_cast<std::uint8_t>(i);
    EXPECT_EQ(hashPasswordWithSalt(kPassword, salt, kFast).value(), kOpenSslLn10);
}

TEST(PasswordHash, RoundTripWithARandomSalt) {
    const auto first = hashPassword("s3cret", kFast).value();
    const auto second = hashPassword("s3cret", kFast).value();
    EXPECT_NE(first, second);  // a new salt every time
    EXPECT_EQ(first.rfind("$scrypt$ln=10,r=8,p=1$", 0), 0U) << first;
    const auto parsed = parsePasswordHash(first).value();
    EXPECT_EQ(parsed.salt.size(), kSaltSize);
    EXPECT_EQ(parsed.hash.size(), kHashSize);
    EXPECT_EQ(formatPasswordHash(parsed), first);
    EXPECT_TRUE(verifyPassword("s3cret", first));
    EXPECT_TRUE(verifyPassword("s3cret", second));
    EXPECT_FALSE(verifyPassword("s3cre", first));
    EXPECT_FALSE(verifyPassword("s3cret ", first));
    // (Not checked: "s3cret\0" matches, as in every PBKDF2/HMAC-based scheme, because HMAC pads
    // short keys with zero octets.)
}

TEST(PasswordHash, TheDefaultParametersAreTheDocumentedOnes) {
    const auto made = hashPassword("pw").value();
    EXPECT_EQ(made.rfind("$scrypt$ln=15,r=8,p=1$", 0), 0U) << made;
    EXPECT_TRUE(verifyPassword("pw", made));
}

TEST(PasswordHash, MalformedStringsAreRefusedWithoutEchoingThem) {
    const std::string salt = "AAECAwQFBgcICQoLDA0ODw";
    const std::string hash = "mp90zEQd5XGhjEv4WArVH4Z0XRSzkGWtJK2S/AXJlRU";
    for (const std::string& bad : std::vector<std::string>{
             std::string(),
             std::string("$scrypt$"),
             "$argon2id$v=19$m=65536,t=3,p=4$" + salt + "$" + hash,
             "$scrypt$ln=10,r=8$" + salt + "$" + hash,       // p missing
             "$scrypt$r=8,ln=10,p=1$" + salt + "$" + hash,   // order
             "$scrypt$ln=010,r=8,p=1$" + salt + "$" + hash,  // leading zero
             "$scrypt$ln=+10,r=8,p=1$" + salt + "$" + hash,
             "$scrypt$ln=10,r=8,p=1,x=1$" + salt + "$" + hash,
             "$scrypt$ln=10,r=8,p=1$" + salt,  // no hash
             "$scrypt$ln=10,r=8,p=1$" + salt + "$" + hash + "$",
             "$scrypt$ln=10,r=8,p=1$" + salt + "==$" + hash,  // padded
             "$scrypt$ln=10,r=8,p=1$" + salt + "$" + hash + "=",
             "$scrypt$ln=10,r=8,p=1$AAECAwQFBgcICQoLDA0ODx$" + hash,     // non-zero trailing bits
             "$scrypt$ln=10,r=8,p=1$AAEC-wQFBgcICQoLDA0ODw$" + hash,     // not base64
             "$scrypt$ln=10,r=8,p=1$AAECAwQ$" + hash,                    // salt too short
             "$scrypt$ln=10,r=8,p=1$" + salt + "$AAECAwQFBgcICQoLDA0O",  // hash too short
             "$scrypt$ln=10,r=8,p=1$" + salt + "$" + hash + "\n",
             " $scrypt$ln=10,r=8,p=1$" + salt + "$" + hash,
         }) {
        SCOPED_TRACE(bad);
        const auto parsed = parsePasswordHash(bad);
        ASSERT_FALSE(parsed);
        EXPECT_EQ(parsed.message().find(salt), std::string::npos);
        EXPECT_FALSE(verifyPassword(kPassword, bad));
    }
}

TEST(PasswordHash, AbsurdParametersAreRefusedBeforeAnyWork) {
    const std::string tail = "$AAECAwQFBgcICQoLDA0ODw$mp90zEQd5XGhjEv4WArVH4Z0XRSzkGWtJK2S/AXJlRU";
    for (const char* params :
         {"ln=9,r=8,p=1", "ln=23,r=8,p=1", "ln=51,r=8,p=1", "ln=10,r=0,p=1", "ln=10,r=33,p=1", "ln=10,r=8,p=0",
          "ln=10,r=8,p=17", "ln=19,r=8,p=1" /* 512 MiB */, "ln=18,r=8,p=16" /* too much work */,
          "ln=99999999999,r=8,p=1", "ln=18446744073709551626,r=8,p=1"}) {
        SCOPED_TRACE(params);
        EXPECT_FALSE(parsePasswordHash(std::string("$scrypt$") + params + tail));
    }
    EXPECT_TRUE(parsePasswordHash(std::string("$scrypt$ln=18,r=8,p=1") + tail));  // 256 MiB: the most allowed
    EXPECT_TRUE(parsePasswordHash(std::string("$scrypt$ln=21,r=1,p=1") + tail));
    EXPECT_FALSE(hashPassword("pw", ScryptParams{30, 8, 1}));
}

class CredentialCacheTest : public ::testing::Test {
protected:
    std::chrono::steady_clock::time_point m_now{std::chrono::hours(1)};
    CredentialCache m_cache{3, std::chrono::seconds(600), [this] { return m_now; }};
};

TEST_F(CredentialCacheTest, RemembersExactCredentialsForTheLifetime) {
    EXPECT_FALSE(m_cache.contains("alice", "pw", "$hash1"));
    m_cache.remember("alice", "pw", "$hash1");
    EXPECT_TRUE(m_cache.contains("alice", "pw", "$hash1"));
    EXPECT_FALSE(m_cache.contains("alice", "pw2", "$hash1"));
    EXPECT_FALSE(m_cache.contains("alice", "pw", "$hash2"));  // a new password hash misses
    EXPECT_FALSE(m_cache.contains("bob", "pw", "$hash1"));
    // The separators keep the fields apart: "a" + "b\0c" is not "a\0b" + "c".
    m_cache.remember("a", std::string_view("b\0c", 3), "h");
    EXPECT_FALSE(m_cache.contains(std::string_view("a\0b", 3), "c", "h"));

    m_now += std::chrono::seconds(599);
    EXPECT_TRUE(m_cache.contains("alice", "pw", "$hash1"));  // a hit does not extend the lifetime
    m_now += std::chrono::seconds(1);
    EXPECT_FALSE(m_cache.contains("alice", "pw", "$hash1"));
}

TEST_F(CredentialCacheTest, IsBoundedAndDropsTheOldestFirst) {
    for (const char* user : {"a", "b", "c", "d"}) {
        m_cache.remember(user, "pw", "$h");
        m_now += std::chrono::seconds(1);
    }
    EXPECT_EQ(m_cache.size(), 3U);
    EXPECT_FALSE(m_cache.contains("a", "pw", "$h"));
    EXPECT_TRUE(m_cache.contains("b", "pw", "$h"));
    EXPECT_TRUE(m_cache.contains("d", "pw", "$h"));
    m_cache.remember("b", "pw", "$h");  // again: now the newest, so c goes next
    m_cache.remember("e", "pw", "$h");
    EXPECT_FALSE(m_cache.contains("c", "pw", "$h"));
    EXPECT_TRUE(m_cache.contains("b", "pw", "$h"));
    m_now += std::chrono::seconds(600);
    EXPECT_FALSE(m_cache.contains("e", "pw", "$h"));
    EXPECT_EQ(m_cache.size(), 0U);
}

TEST_F(CredentialCacheTest, TwoCachesDoNotShareTags) {
    CredentialCache other(3, std::chrono::seconds(600), [this] { return m_now; });
    m_cache.remember("alice", "pw", "$h");
    EXPECT_FALSE(other.contains("alice", "pw", "$h"));
}

TEST(CheckPassword, PlainAndHashedAccounts) {
    CredentialCache cache;
    const Account plain{"alice", "s3cret", {}, {}};
    EXPECT_TRUE(checkPassword(plain, "s3cret", cache));
    EXPECT_FALSE(checkPassword(plain, "s3cre", cache));
    EXPECT_EQ(cache.size(), 0U);  // nothing to remember for a plain password

    const Account hashed{"carol", {}, {}, hashPassword("pw3", kFast).value()};
    EXPECT_FALSE(checkPassword(hashed, "pw", cache));
    EXPECT_EQ(cache.size(), 0U);  // failures are never cached
    EXPECT_TRUE(checkPassword(hashed, "pw3", cache));
    EXPECT_EQ(cache.size(), 1U);
    EXPECT_TRUE(checkPassword(hashed, "pw3", cache));  // from the cache
    EXPECT_EQ(cache.size(), 1U);

    // `account passwd`: a new hash; the old password fails although its tag is still cached.
    const Account changed{"carol", {}, {}, hashPassword("new", kFast).value()};
    EXPECT_FALSE(checkPassword(changed, "pw3", cache));
    EXPECT_TRUE(checkPassword(changed, "new", cache));
}

TEST(CheckPassword, UnknownUsersAreAlwaysRefused) {
    EXPECT_FALSE(checkUnknownUser("anything", false));
    EXPECT_FALSE(checkUnknownUser("anything", true));
    EXPECT_FALSE(checkUnknownUser("", true));
}

}  // namespace server_password_hash_test
}  // namespace
