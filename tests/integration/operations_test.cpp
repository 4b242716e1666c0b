// The operations endpoints of qdyn-server: /healthz answers while the server works, and
// /metrics counts DNS answers, updates and authentication failures as they happen.
#include <gtest/gtest.h>

#include "qdyn/net/http_client.hpp"
#include "qdyn/protocols/dyndns2.hpp"
#include "server_fixture.hpp"

namespace qdyn::test {
namespace {
namespace operations_test {

class OperationsTest : public ServerFixture {
protected:
    net::HttpResponse get(const std::string& path) {
        net::HttpRequest request;
        request.url = httpBase() + path;
        request.userAgent = "qdyn-test/1.0";
        auto response = m_http.get(request);
        EXPECT_TRUE(response) << response.message();
        return response ? *response : net::HttpResponse{};
    }
    void update(const std::string& user, const std::string& password) {
        dyndns2::Settings settings;
        settings.baseUrl = httpBase();
        settings.username = user;
        settings.password = Secret(password);
        dyndns2::Client client(std::move(settings));
        (void)client.update(UpdateRequest{{"home.dyn.example.test"}, IpAddress::parse("203.0.113.7"), std::nullopt});
    }
    net::HttpClient m_http;
};

TEST_F(OperationsTest, HealthzIsOk) {
    const auto response = get("/healthz");
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.body, "ok\n");
}

TEST_F(OperationsTest, MetricsCountAnswersUpdatesAndAuthFailures) {
    (void)lookup("home.dyn.example.test");  // NOERROR (a configured host without address)
    EXPECT_FALSE(dns::queryAddresses(dnsServer(), *dns::Name::parse("nope.dyn.example.test"), dns::rrtype::A));  // NXDOMAIN
    update("alice", "s3cret");
    update("alice", "wrong");
    const auto response = get("/metrics");
    ASSERT_EQ(response.status, 200);
    EXPECT_NE(response.header("content-type").value_or("").find("version=0.0.4"), std::string_view::npos);
    const std::string& text = response.body;
    EXPECT_NE(text.find("qdyn_dns_responses_total{transport=\"udp\",rcode=\"NOERROR\"} 1\n"), std::string::npos) << text;
    EXPECT_NE(text.find("qdyn_dns_responses_total{transport=\"udp\",rcode=\"NXDOMAIN\"} 1\n"), std::string::npos) << text;
    EXPECT_NE(text.find("qdyn_updates_total{protocol=\"dyndns2\",outcome=\"good\"} 1\n"), std::string::npos) << text;
    EXPECT_NE(text.find("qdyn_auth_failures_total{protocol=\"dyndns2\"} 1\n"), std::string::npos) << text;
    EXPECT_NE(text.find("# TYPE qdyn_zone_serial gauge\nqdyn_zone_serial "), std::string::npos) << text;
}

}  // namespace operations_test
}  // namespace
}  // namespace qdyn::test
