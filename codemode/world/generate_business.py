"""Seeded generation of the business data: customers, deals, products and orders.

Each function takes the world's one `random.Random` and consumes it in a fixed order, so the same seed
gives the same data, byte for byte.
"""

from __future__ import annotations

import random
from datetime import timedelta

from codemode.world import vocabulary as v
from codemode.world.clock import EPOCH, days_before, iso
from codemode.world.crm import STAGE_PROBABILITY, Address, Contact, Customer, Deal, Note
from codemode.world.prose import Prose
from codemode.world.records import Order, Product

__all__ = ["ACCOUNT_MANAGERS", "generate_customers", "generate_deals", "generate_orders", "generate_products"]

CUSTOMERS = 120
DEALS = 260
ORDERS = 3000
ORDER_HISTORY_DAYS = 540

#: The staff who own accounts and deals.
ACCOUNT_MANAGERS: tuple[str, ...] = v.STAFF[:6]

TIERS = ("free", "standard", "premium", "enterprise")
TIER_WEIGHTS = (25, 35, 25, 15)
TIER_DISCOUNT = {"free": 0.0, "standard": 5.0, "premium": 10.0, "enterprise": 20.0}
TIER_ORDER_WEIGHT = {"free": 1, "standard": 3, "premium": 6, "enterprise": 12}
CATEGORY_QUANTITY = {"sensors": 200, "gateways": 40, "software": 100, "services": 5, "accessories": 150}
CATEGORY_PRICE = {"sensors": 80, "gateways": 900, "software": 25, "services": 4000, "accessories": 35}


def phone(rng: random.Random, country: str) -> str:
    code = {"US": "1", "CA": "1", "GB": "44", "DE": "49", "FR": "33", "JP": "81", "AU": "61"}.get(
        country, "31"
    )
    return f"+{code} {rng.randint(200, 989)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"


def generate_customers(rng: random.Random, prose: Prose) -> dict[str, Customer]:
    names = rng.sample([(s, x) for s in v.COMPANY_STEMS for x in v.COMPANY_SUFFIXES], CUSTOMERS)
    customers: dict[str, Customer] = {}
    contact_number = note_number = 1
    for number, (stem, suffix) in enumerate(names, start=1):
        domain = f"{stem}{suffix}".lower() + rng.choice((".com", ".io", ".net", ".co"))
        city, region, country, postal = rng.choice(v.CITIES)
        contacts = []
        for index in range(rng.randint(2, 5)):
            first, last = rng.choice(v.FIRST_NAMES), rng.choice(v.LAST_NAMES)
            contacts.append(
                Contact(
                    id=f"CT-{contact_number:04d}",
                    name=f"{first} {last}",
                    title=rng.choice(v.JOB_TITLES),
                    email=f"{first}.{last}@{domain}".lower(),
                    phone=phone(rng, country),
                    primary=index == 0,
                )
            )
            contact_number += 1
        created = rng.uniform(90, 1500)
        manager = rng.choice(ACCOUNT_MANAGERS)
        notes = []
        for ago in sorted((rng.uniform(1, created) for _ in range(rng.randint(0, 4))), reverse=True):
            body = prose.paragraph(rng.randint(2, 4))
            notes.append(
                Note(id=f"N-{note_number:05d}", author=manager, created_at=iso(days_before(ago)), body=body)
            )
            note_number += 1
        customer_id = f"C-{number:04d}"
        customers[customer_id] = Customer(
            id=customer_id,
            name=f"{stem} {suffix} {rng.choice(v.COMPANY_FORMS)}",
            industry=rng.choice(v.INDUSTRIES),
            tier=rng.choices(TIERS, TIER_WEIGHTS)[0],  # type: ignore[arg-type]
            status=rng.choices(("lead", "active", "churned"), (15, 70, 15))[0],
            sales_region=v.REGIONS[country],  # type: ignore[arg-type]
            website=f"https://www.{domain}",
            email=f"billing@{domain}",
            phone=phone(rng, country),
            address=Address(
                street=f"{rng.randint(1, 420)} {rng.choice(v.STREETS)}",
                city=city,
                region=region,
                postal_code=f"{postal}{rng.randint(10, 99)}".replace(" ", ""),
                country=country,
            ),
            account_manager=manager,
            annual_revenue_usd=rng.randint(5, 5000) * 100_000,
            employee_count=rng.randint(8, 20_000),
            created_at=iso(days_before(created)),
            tags=sorted(rng.sample(v.CUSTOMER_TAGS, rng.choice((0, 0, 1, 1, 2, 3)))),
            contacts=contacts,
            notes=notes,
        )
    return customers


def generate_products(rng: random.Random) -> dict[str, Product]:
    products: dict[str, Product] = {}
    for category, names in v.PRODUCT_CATEGORIES.items():
        base = CATEGORY_PRICE[category]
        for name in names:
            for model in rng.sample(v.PRODUCT_MODELS, rng.randint(1, 3)):
                product_id = f"P-{len(products) + 1:03d}"
                price = round(base * rng.uniform(0.6, 2.5), 2)
                physical = category not in ("software", "services")
                products[product_id] = Product(
                    id=product_id,
                    sku=f"{category[:3].upper()}-{name[:3].upper()}{model.upper()}-{rng.randint(100, 999)}",
                    name=f"{name} {model}",
                    category=category,  # type: ignore[arg-type]
                    unit_price_usd=price,
                    unit_cost_usd=round(price * rng.uniform(0.25, 0.7), 2),
                    stock_on_hand=rng.randint(0, 2500) if physical else 0,
                    active=rng.random() > 0.1,
                )
    return products


def generate_deals(
    rng: random.Random, customers: dict[str, Customer], products: dict[str, Product]
) -> dict[str, Deal]:
    deals: dict[str, Deal] = {}
    customer_list = list(customers.values())
    product_list = list(products.values())
    stages = tuple(STAGE_PROBABILITY)
    for number in range(1, DEALS + 1):
        customer = rng.choice(customer_list)
        product = rng.choice(product_list)
        quantity = rng.randint(1, CATEGORY_QUANTITY[product.category])
        stage = rng.choices(stages, (20, 18, 16, 12, 20, 14))[0]
        created = rng.uniform(5, 400)
        closing = EPOCH + timedelta(days=rng.randint(-120, 180))
        deal_id = f"D-{number:04d}"
        deals[deal_id] = Deal(
            id=deal_id,
            customer_id=customer.id,
            title=f"{quantity} x {product.name}"
            if rng.random() < 0.7
            else f"{customer.tier.title()} renewal",
            stage=stage,  # type: ignore[arg-type]
            amount_usd=round(quantity * product.unit_price_usd * rng.uniform(0.7, 1.0), 2),
            probability=STAGE_PROBABILITY[stage],
            owner=customer.account_manager,
            expected_close=closing.date().isoformat(),
            created_at=iso(days_before(created)),
            updated_at=iso(days_before(rng.uniform(1, created))),
        )
    return deals


def order_status(rng: random.Random, age_days: float) -> str:
    if rng.random() < 0.04:
        return "cancelled"
    if age_days > 30:
        return "refunded" if rng.random() < 0.03 else "delivered"
    return rng.choice(("pending", "paid", "shipped", "delivered"))


def generate_orders(
    rng: random.Random, customers: dict[str, Customer], products: dict[str, Product]
) -> dict[str, Order]:
    buyers = [c for c in customers.values() if c.status != "lead"]
    weights = [TIER_ORDER_WEIGHT[c.tier] for c in buyers]
    product_list = list(products.values())
    ages = sorted((rng.uniform(0, ORDER_HISTORY_DAYS) for _ in range(ORDERS)), reverse=True)
    chosen = rng.choices(buyers, weights, k=ORDERS)
    orders: dict[str, Order] = {}
    for number, (age, customer) in enumerate(zip(ages, chosen, strict=True), start=10001):
        product = rng.choice(product_list)
        quantity = rng.randint(1, CATEGORY_QUANTITY[product.category] // 4 + 1)
        discount = min(40.0, TIER_DISCOUNT[customer.tier] + rng.choice((0, 0, 0, 5, 10)))
        total = round(quantity * product.unit_price_usd * (1 - discount / 100), 2)
        ordered = days_before(age)
        order_id = f"O-{number}"
        orders[order_id] = Order(
            id=order_id,
            customer_id=customer.id,
            product_id=product.id,
            order_date=ordered.date().isoformat(),
            status=order_status(rng, age),  # type: ignore[arg-type]
            channel=rng.choices(("web", "sales", "partner"), (50, 35, 15))[0],
            sales_region=customer.sales_region,
            quantity=quantity,
            unit_price_usd=product.unit_price_usd,
            discount_pct=discount,
            total_usd=total,
            updated_at=iso(days_before(max(0.0, age - rng.uniform(0, 20)))),
        )
    return orders
