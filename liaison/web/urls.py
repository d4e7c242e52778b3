"""The web UI's pages. The names are relied on by other apps and tests."""

from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, path

from liaison.web import (
    accounts,
    channel,
    channel_notes,
    channel_send,
    checkpoints,
    commitments,
    dashboard,
    live,
    minutes,
    projects_board,
    projects_chart,
    projects_detail,
    projects_drafts,
    proposals,
    records,
    schedule_pages,
    sessions,
    third_parties,
    timeline,
)

session = "offices/<slug:slug>/sessions/<slug:key>/"
proposal = "offices/<slug:slug>/proposals/<slug:key>/"
frameworks = "offices/<slug:slug>/frameworks/"
register = "offices/<slug:slug>/commitments/"
# Projects keyed "drafts", "chart" or "new" and a third party keyed "new" are refused by
# their commands (projects/commands.py), on every path.
projects_ = "offices/<slug:slug>/projects/"
project = f"{projects_}<slug:key>/"
parties = "offices/<slug:slug>/third-parties/"
party = f"{parties}<slug:key>/"
# A message's key is "<side>-<seq>", so it is never "sent", "new", "preview" or "send".
messages = "offices/<slug:slug>/messages/"

urlpatterns: list[URLPattern | URLResolver] = [
    path("login/", accounts.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", accounts.account, name="account"),
    path("account/login/code/", accounts.login_code, name="account-login-code"),
    path("account/reauth/", accounts.reauthenticate, name="account-reauth"),
    path("account/2fa/", accounts.second_factor, name="account-2fa"),
    path("account/2fa/begin/", accounts.second_factor_begin, name="account-2fa-begin"),
    path("account/2fa/confirm/", accounts.second_factor_confirm, name="account-2fa-confirm"),
    path("account/2fa/disable/", accounts.second_factor_disable, name="account-2fa-disable"),
    path("account/tokens/revoke/", accounts.token_revoke, name="account-token-revoke"),
    path("account/password/", accounts.account_password, name="account-password"),
    path("account/preferences/", accounts.account_preferences, name="account-preferences"),
    path("", dashboard.office_list, name="office-list"),
    path("offices/<slug:slug>/", dashboard.dashboard, name="office-dashboard"),
    path("offices/<slug:slug>/schedule/", schedule_pages.office_schedule, name="office-schedule"),
    path(
        "offices/<slug:slug>/schedule/cadence/",
        schedule_pages.office_cadence_set,
        name="office-cadence-set",
    ),
    path(
        "offices/<slug:slug>/schedule/cadence/end/",
        schedule_pages.office_cadence_end,
        name="office-cadence-end",
    ),
    path(
        "offices/<slug:slug>/schedule/session/",
        schedule_pages.office_session_schedule,
        name="office-session-schedule",
    ),
    path(session, sessions.session_detail, name="session-detail"),
    path(proposal, proposals.proposal_detail, name="proposal-detail"),
    path(f"{proposal}accept/", proposals.proposal_accept, name="proposal-accept"),
    path(f"{proposal}decline/", proposals.proposal_decline, name="proposal-decline"),
    path(f"{proposal}withdraw/", proposals.proposal_withdraw, name="proposal-withdraw"),
    path(f"{session}check-in/", sessions.session_check_in, name="session-check-in"),
    path(f"{session}absence/", sessions.session_absence, name="session-absence"),
    path(f"{session}move/", sessions.session_move, name="session-move"),
    path(f"{session}postpone/", sessions.session_postpone, name="session-postpone"),
    path(f"{session}cancel/", sessions.session_cancel, name="session-cancel"),
    path(f"{session}record/", records.session_record, name="session-record"),
    path(f"{session}record/save/", records.session_record_save, name="session-record-save"),
    path(f"{session}readouts/", records.session_readouts, name="session-readouts"),
    path(f"{session}readouts/draft/", records.session_readout_draft, name="session-readout-draft"),
    path(
        f"{session}readouts/publish/",
        records.session_readout_publish,
        name="session-readout-publish",
    ),
    path(f"{session}minutes/", minutes.session_minutes, name="session-minutes"),
    path(f"{session}minutes/save/", minutes.session_minutes_save, name="session-minutes-save"),
    path(
        f"{session}minutes/propose/",
        minutes.session_minutes_propose,
        name="session-minutes-propose",
    ),
    path(
        f"{session}minutes/sign/confirm/",
        minutes.session_minutes_sign_confirm,
        name="session-minutes-sign-confirm",
    ),
    path(f"{session}minutes/sign/", minutes.session_minutes_sign, name="session-minutes-sign"),
    path(frameworks, commitments.office_frameworks, name="office-frameworks"),
    # Before <key>/: a framework cannot be keyed "record" (the form refuses it).
    path(
        f"{frameworks}record/",
        commitments.office_framework_record,
        name="office-framework-record",
    ),
    path(f"{frameworks}<slug:key>/", commitments.office_framework, name="office-framework"),
    path(
        f"{frameworks}<slug:key>/revise/",
        commitments.office_framework_revise,
        name="office-framework-revise",
    ),
    path("offices/<slug:slug>/timeline/", timeline.office_timeline, name="office-timeline"),
    path(
        "offices/<slug:slug>/checkpoints/",
        checkpoints.office_checkpoints,
        name="office-checkpoints",
    ),
    path(
        "offices/<slug:slug>/checkpoints/download/",
        checkpoints.office_checkpoints_download,
        name="office-checkpoints-download",
    ),
    path(
        "offices/<slug:slug>/checkpoints/sign/",
        checkpoints.office_checkpoint_sign,
        name="office-checkpoint-sign",
    ),
    path(
        "offices/<slug:slug>/keys/rotate/confirm/",
        checkpoints.office_key_rotate_confirm,
        name="office-key-rotate-confirm",
    ),
    path(
        "offices/<slug:slug>/keys/rotate/", checkpoints.office_key_rotate, name="office-key-rotate"
    ),
    path("offices/<slug:slug>/live/", live.office_live, name="office-live"),
    path(register, commitments.office_commitments, name="office-commitments"),
    path(f"{register}make/", commitments.office_commitment_make, name="office-commitment-make"),
    path(
        f"{register}status/",
        commitments.office_commitment_status,
        name="office-commitment-status",
    ),
    path(messages, channel.office_messages, name="office-messages"),
    path(f"{messages}sent/", channel.office_messages_sent, name="office-messages-sent"),
    path(f"{messages}new/", channel.office_message_new, name="office-message-new"),
    path(f"{messages}preview/", channel_send.office_message_preview, name="office-message-preview"),
    path(f"{messages}send/", channel_send.office_message_send, name="office-message-send"),
    # The timeline and the notification emails link here for one message and its thread.
    path(f"{messages}<slug:key>/", channel.office_message, name="office-message"),
    path(
        f"{messages}<slug:key>/acknowledge/",
        channel.office_message_acknowledge,
        name="office-message-acknowledge",
    ),
    path(
        f"{messages}<slug:key>/reply/",
        channel_send.office_message_reply,
        name="office-message-reply",
    ),
    path(
        f"{messages}<slug:key>/attachments/<slug:sha256>/",
        channel.office_message_attachment,
        name="office-message-attachment",
    ),
    path("offices/<slug:slug>/notes/add/", channel_notes.office_note_add, name="office-note-add"),
    path(
        "offices/<slug:slug>/notes/<slug:note>/delete/",
        channel_notes.office_note_delete,
        name="office-note-delete",
    ),
    path(
        "offices/<slug:slug>/notifications/",
        channel_notes.office_notifications,
        name="office-notifications",
    ),
    path(
        "offices/<slug:slug>/notifications/save/",
        channel_notes.office_notifications_save,
        name="office-notifications-save",
    ),
    path(projects_, projects_board.office_projects, name="office-projects"),
    path(f"{projects_}chart/", projects_chart.office_project_chart, name="office-project-chart"),
    path(
        f"{projects_}drafts/",
        projects_drafts.office_project_draft_save,
        name="office-project-draft-save",
    ),
    path(
        f"{projects_}drafts/<slug:key>/propose/",
        projects_drafts.office_project_draft_propose,
        name="office-project-draft-propose",
    ),
    path(
        f"{projects_}drafts/<slug:key>/discard/",
        projects_drafts.office_project_draft_discard,
        name="office-project-draft-discard",
    ),
    path(project, projects_detail.office_project, name="office-project"),
    path(f"{project}status/", projects_detail.office_project_status, name="office-project-status"),
    path(f"{project}plan/", projects_detail.office_project_plan, name="office-project-plan"),
    path(
        f"{project}blockers/open/",
        projects_detail.office_project_blocker_open,
        name="office-project-blocker-open",
    ),
    path(
        f"{project}blockers/resolve/",
        projects_detail.office_project_blocker_resolve,
        name="office-project-blocker-resolve",
    ),
    path(
        f"{project}dependencies/add/",
        projects_detail.office_project_dependency_add,
        name="office-project-dependency-add",
    ),
    path(
        f"{project}dependencies/remove/",
        projects_detail.office_project_dependency_remove,
        name="office-project-dependency-remove",
    ),
    path(
        f"{project}conditions/add/",
        projects_detail.office_project_condition_add,
        name="office-project-condition-add",
    ),
    path(parties, third_parties.office_third_parties, name="office-third-parties"),
    path(
        f"{parties}new/",
        third_parties.office_third_party_record,
        name="office-third-party-record",
    ),
    path(party, third_parties.office_third_party, name="office-third-party"),
    path(
        f"{party}actors/add/",
        third_parties.office_third_party_actor,
        name="office-third-party-actor",
    ),
    path(
        f"{party}positions/add/",
        third_parties.office_third_party_position,
        name="office-third-party-position",
    ),
    path(
        f"{party}events/record/",
        third_parties.office_third_party_event,
        name="office-third-party-event",
    ),
]
