// The reply an HTTP API gives once the update service has answered: the API's own words for
// "done" (acknowledged once durable, with its failure words should the write fail), "not
// yours" and "failed". One mapping, so the APIs cannot drift apart on what each status means.
#pragma once

#include <string>

#include "qdyn_server/http_message.hpp"
#include "qdyn_server/update_service.hpp"

namespace qdyn::server {

struct ApiReplies {
    unsigned doneStatus = 200;
    std::string done;           // Updated or Unchanged
    unsigned refusedStatus = 403;
    std::string refused;        // outside the zone, not granted, or a static family
    unsigned failedStatus = 500;
    std::string failed;         // the zone or the store could not take it
};

inline HttpReply updateReply(const UpdateOutcome& outcome, const ApiReplies& replies, std::string summary) {
    switch (outcome.status) {
    case UpdateStatus::Updated:
    case UpdateStatus::Unchanged: {
        auto reply = textReply(replies.doneStatus, replies.done, std::move(summary));
        reply.ticket = outcome.ticket;
        reply.storeFailureStatus = replies.failedStatus;
        reply.storeFailureBody = replies.failed;
        return reply;
    }
    case UpdateStatus::NotInZone:
    case UpdateStatus::NotGranted:
    case UpdateStatus::StaticRecord: return textReply(replies.refusedStatus, replies.refused, std::move(summary));
    case UpdateStatus::BadAddress: break;
    }
    return textReply(replies.failedStatus, replies.failed, std::move(summary));
}

}  // namespace qdyn::server
