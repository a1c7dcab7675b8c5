"""Synthetic names and places: (Latin, Lao script) pairs combined at random, never a real
person's; common village-name elements; and how a second registration of the same person gets
romanised differently."""

from __future__ import annotations

# fmt: off
GIVEN_FEMALE = (
    ("Bouasone", "ບົວສອນ"), ("Chanthala", "ຈັນທະລາ"), ("Daovone", "ດາວວອນ"), ("Khamla", "ຄຳລາ"),
    ("Khamphone", "ຄຳພອນ"), ("Malaythong", "ມາໄລທອງ"), ("Manivone", "ມະນີວອນ"), ("Noy", "ນ້ອຍ"),
    ("Phonsavanh", "ພອນສະຫວັນ"), ("Sengdao", "ແສງດາວ"), ("Souksavanh", "ສຸກສະຫວັນ"), ("Vilayvanh", "ວິໄລວັນ"),
    ("Viengkham", "ວຽງຄຳ"), ("Latsamy", "ລັດສະໝີ"), ("Bounmy", "ບຸນມີ"), ("Keo", "ແກ້ວ"),
)
GIVEN_MALE = (
    ("Bounthanh", "ບຸນທັນ"), ("Khamsing", "ຄຳສິງ"), ("Khampheng", "ຄຳເພັງ"), ("Phouvong", "ພູວົງ"),
    ("Sengphet", "ແສງເພັດ"), ("Somphone", "ສົມພອນ"), ("Souliya", "ສຸລິຍາ"), ("Thongchanh", "ທອງຈັນ"),
    ("Vanxay", "ວັນໄຊ"), ("Bounleuth", "ບຸນເລີດ"), ("Sisavath", "ສີສະຫວາດ"), ("Anousone", "ອານຸສອນ"),
)
FAMILY = (
    ("Chanthavong", "ຈັນທະວົງ"), ("Douangmala", "ດວງມາລາ"), ("Inthavong", "ອິນທະວົງ"), ("Keomany", "ແກ້ວມະນີ"),
    ("Keophila", "ແກ້ວພິລາ"), ("Luangrath", "ຫຼວງລາດ"), ("Phimmasone", "ພິມມະສອນ"), ("Phommachanh", "ພົມມະຈັນ"),
    ("Sayasith", "ໄຊຍະສິດ"), ("Sihalath", "ສີຫາລາດ"), ("Sisouphanh", "ສີສຸພັນ"), ("Souvannavong", "ສຸວັນນະວົງ"),
    ("Thammavong", "ທຳມະວົງ"), ("Vongphachanh", "ວົງພະຈັນ"), ("Vongsa", "ວົງສາ"), ("Xayavong", "ໄຊຍະວົງ"),
)
# fmt: on
HMONG_FAMILY = (("Vang", "ວ່າງ"), ("Xiong", "ຊົ່ງ"), ("Lee", "ລີ"), ("Yang", "ຢ່າງ"), ("Thao", "ທໍ່"))
# Common village-name elements (places, not people).
VILLAGES = ("Ban Phonsavang", "Ban Nongbua", "Ban Donkoi", "Ban Nakham", "Ban Houayhong", "Ban Phonthong")
# How a second registration of the same person gets romanised differently.
RESPELLINGS = (("ph", "p"), ("th", "t"), ("kh", "k"), ("x", "s"), ("v", "w"), ("ou", "u"), ("nh", "n"), ("y", "i"))
