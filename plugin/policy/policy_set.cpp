#include "policy/policy_set.hpp"

#include "util/error.hpp"

namespace firstset {

PolicySet::PolicySet(std::vector<std::shared_ptr<const Policy>> scoped, std::shared_ptr<const Policy> fallback,
                     const std::string& config_file)
    : scoped_(std::move(scoped)), fallback_(std::move(fallback)) {
    all_ = scoped_;
    if (fallback_) {
        bool listed = false;
        for (const auto& p : scoped_) listed = listed || p->file == fallback_->file;
        if (!listed) all_.push_back(fallback_);
    }
    for (std::size_t i = 0; i < all_.size(); ++i)
        for (std::size_t j = 0; j < i; ++j)
            if (all_[i]->id == all_[j]->id && all_[i]->file != all_[j]->file)
                throw StatusError(Status::config, "DUPLICATE_POLICY",
                            "two policy packs have the id " + all_[i]->id + ": " + all_[j]->file + " and " + all_[i]->file,
                            "两个政策包的编号都是 " + all_[i]->id + "：" + all_[j]->file + " 与 " + all_[i]->file,
                            Location{"/policies", config_file, 0, 0});
}

const Policy& PolicySet::select(std::string_view jurisdiction, std::string_view ownership,
                                std::string_view pointer) const {
    for (const auto& p : scoped_)
        if (p->scope.matches(jurisdiction, ownership)) return *p;
    if (fallback_) return *fallback_;
    std::string packs;
    for (const auto& p : scoped_) packs += (packs.empty() ? "" : "; ") + p->id + " (" + p->scope.describe() + ")";
    const std::string tender = "jurisdiction=" + std::string(jurisdiction.empty() ? "-" : jurisdiction) +
                               ", purchaser_ownership=" + std::string(ownership.empty() ? "-" : ownership);
    throw StatusError(Status::config, "NO_POLICY_FOR_TENDER",
                "no configured policy pack is for this tender (" + tender + "); the packs are for: " + packs +
                    ". State the tender's jurisdiction and purchaser ownership, or configure a fallback `policy`",
                "没有适用于该招标项目（" + tender + "）的政策包；已配置的政策包适用范围为：" + packs +
                    "。请注明招标项目的地区（jurisdiction）和采购人性质（purchaser.ownership），或在配置中给出默认的 policy",
                Location{std::string(pointer), "", 0, 0});
}

const Policy& PolicySet::select_for(const Tender& tender, std::string_view pointer, std::string_view ownership) const {
    return select(tender.jurisdiction, tender.purchaser_ownership.empty() ? ownership : tender.purchaser_ownership,
                  pointer);
}

const Policy* PolicySet::by_id(std::string_view id) const {
    for (const auto& p : all_)
        if (p->id == id) return p.get();
    return nullptr;
}

}  // namespace firstset
