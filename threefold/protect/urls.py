from django.urls import path

from threefold.protect import (
    attachment_views,
    case_views,
    dashboard_views,
    duplicate_views,
    nrm_views,
    subject_views,
    views,
)

app_name = "protect"
urlpatterns = [
    path("", views.home, name="home"),
    path("people/new/", views.add_person, name="add_person"),
    path("caseload/", views.caseload, name="caseload"),
    path("duplicates/", duplicate_views.queue, name="duplicates"),
    path("duplicates/scan/", duplicate_views.start_scan, name="start_duplicate_scan"),
    path(
        "duplicates/scans/<int:pk>/progress/", duplicate_views.scan_progress, name="duplicate_scan_progress"
    ),
    path("duplicates/<int:pk>/merge/", duplicate_views.merge, name="merge_duplicates"),
    path("duplicates/<int:pk>/dismiss/", duplicate_views.dismiss, name="dismiss_duplicates"),
    path("duplicates/merges/", duplicate_views.merges, name="merges"),
    path("duplicates/merges/<int:pk>/undo/", duplicate_views.undo, name="undo_merge"),
    path("people/<str:reference>/", views.person, name="person"),
    path("people/<str:reference>/edit/", views.edit_person, name="edit_person"),
    path("people/<str:reference>/break-glass/", views.break_glass, name="break_glass"),
    path("people/<str:reference>/assign/", views.assign, name="assign"),
    path("people/<str:reference>/data/", subject_views.data, name="subject_data"),
    path("people/<str:reference>/data/json/", subject_views.data_json, name="subject_data_json"),
    path("people/<str:reference>/erase/", subject_views.erase, name="erase_subject"),
    path("retention/", subject_views.retention, name="retention"),
    path("people/<str:reference>/cases/new/", case_views.open_case, name="open_case"),
    path("cases/", case_views.my_cases, name="cases"),
    path("cases/supervision/", case_views.approvals, name="approvals"),
    path("cases/dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("cases/approval-settings/", case_views.approval_settings, name="approval_settings"),
    path("cases/<str:reference>/", case_views.case, name="case"),
    path("cases/<str:reference>/stage/", case_views.move, name="move"),
    path("cases/<str:reference>/notes/", case_views.add_note, name="add_note"),
    path("cases/<str:reference>/context/", case_views.edit_context, name="edit_context"),
    path("cases/<str:reference>/decision/", case_views.decide, name="decide"),
    path("cases/<str:reference>/assign/", case_views.assign_case, name="assign_case"),
    path("cases/<str:reference>/attachments/", attachment_views.upload, name="attach"),
    path("cases/<str:reference>/attachments/<str:uid>/", attachment_views.download, name="attachment"),
    path("cases/<str:reference>/nrm/", nrm_views.refer, name="nrm_refer"),
    path("cases/<str:reference>/nrm/decision/", nrm_views.decide, name="nrm_decide"),
]
