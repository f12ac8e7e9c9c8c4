from django.urls import URLPattern, URLResolver, path

from mediatheek.client.views import catalog, catalog_tools

urlpatterns: list[URLPattern | URLResolver] = [
    path("catalogus/", catalog.catalog_search, name="catalog_search"),
    path("catalogus/invoer/", catalog.fast_entry, name="catalog_entry"),
    path("catalogus/titels/nieuw/", catalog.title_add, name="catalog_title_add"),
    path("catalogus/titels/<int:pk>/", catalog.title_detail, name="catalog_title"),
    path("catalogus/titels/<int:pk>/wijzigen/", catalog.title_edit, name="catalog_title_edit"),
    path("catalogus/titels/<int:pk>/exemplaar/", catalog.copy_add, name="catalog_copy_add"),
    path("catalogus/exemplaren/<int:pk>/status/", catalog.copy_status, name="catalog_copy_status"),
    path("catalogus/afschrijven/", catalog.withdraw, name="catalog_withdraw"),
    path("catalogus/plaatsen/", catalog.shelf_overview, name="catalog_shelves"),
    path("catalogus/etiketten/", catalog_tools.labels, name="catalog_labels"),
    path("catalogus/export/", catalog_tools.export, name="catalog_export"),
    path("catalogus/import/", catalog_tools.import_upload, name="catalog_import"),
    path("catalogus/import/voorbeeld/", catalog_tools.import_preview, name="catalog_import_preview"),
    path("catalogus/import/annuleren/", catalog_tools.import_cancel, name="catalog_import_cancel"),
    path("catalogus/inventarisatie/", catalog_tools.stocktake_list, name="catalog_stocktakes"),
    path("catalogus/inventarisatie/<int:pk>/", catalog_tools.stocktake_detail, name="catalog_stocktake"),
    path(
        "catalogus/inventarisatie/<int:pk>/vermist/", catalog_tools.stocktake_mark_lost, name="catalog_stocktake_lost"
    ),
    path(
        "catalogus/inventarisatie/<int:pk>/afsluiten/", catalog_tools.stocktake_finish, name="catalog_stocktake_finish"
    ),
]
