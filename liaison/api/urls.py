from ninja import NinjaAPI

api = NinjaAPI(title="Liaison API", version="1")
