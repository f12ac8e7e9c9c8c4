"""/client/catalogus/: titles and copies, labels, export, record import and stocktakes."""

from django.urls import URLPattern, URLResolver, path

from mediatheek.client.views import catalog, catalog_tools

urlpatterns: list[URLPattern | URLResolver] = [
    path("", catalog.catalog_search, name="catalog_search"),
    path("invoer/", catalog.fast_entry, name="catalog_entry"),
    path("titels/nieuw/", catalog.title_add, name="catalog_title_add"),
    path("titels/<int:pk>/", catalog.title_detail, name="catalog_title"),
    path("titels/<int:pk>/wijzigen/", catalog.title_edit, name="catalog_title_edit"),
    path("titels/<int:pk>/exemplaar/", catalog.copy_add, name="catalog_copy_add"),
    path("exemplaren/<int:pk>/status/", catalog.copy_status, name="catalog_copy_status"),
    path("afschrijven/", catalog.withdraw, name="catalog_withdraw"),
    path("plaatsen/", catalog.shelf_overview, name="catalog_shelves"),
    path("barcodes/", catalog.barcode_series, name="catalog_barcodes"),
    path("barcodes/standaard/", catalog.barcode_series_clear, name="catalog_barcodes_clear"),
    path("etiketten/", catalog_tools.labels, name="catalog_labels"),
    path("export/", catalog_tools.export, name="catalog_export"),
    path("import/", catalog_tools.import_upload, name="catalog_import"),
    path("import/voorbeeld/", catalog_tools.import_preview, name="catalog_import_preview"),
    path("import/toepassen/", catalog_tools.import_apply, name="catalog_import_apply"),
    path("import/annuleren/", catalog_tools.import_cancel, name="catalog_import_cancel"),
    path("inventarisatie/", catalog_tools.stocktake_list, name="catalog_stocktakes"),
    path("inventarisatie/<int:pk>/", catalog_tools.stocktake_detail, name="catalog_stocktake"),
    path("inventarisatie/<int:pk>/vermist/", catalog_tools.stocktake_mark_lost, name="catalog_stocktake_lost"),
    path("inventarisatie/<int:pk>/afsluiten/", catalog_tools.stocktake_finish, name="catalog_stocktake_finish"),
]
