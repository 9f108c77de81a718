"""Vietnamese words the synthetic data is built from, where Faker's `vi_VN` lists are too short.

Faker ships ten family names, twenty male and fifteen female given names, eighteen commune
names and no business-name parts; the lists below extend them with common, real words. Every
string is NFC (a test checks it). Family-name weights are approximate population shares
(Nguyễn ≈ 38 %), an assumption good enough for realistic-looking traffic.
"""

from __future__ import annotations

#: (family name, approximate share in percent)
FAMILY_NAMES: tuple[tuple[str, float], ...] = (
    ("Nguyễn", 38.0), ("Trần", 11.0), ("Lê", 9.5), ("Phạm", 7.1), ("Hoàng", 3.0),
    ("Huỳnh", 2.1), ("Phan", 4.5), ("Vũ", 2.0), ("Võ", 1.9), ("Đặng", 2.1), ("Bùi", 2.0),
    ("Đỗ", 1.4), ("Hồ", 1.3), ("Ngô", 1.3), ("Dương", 1.0), ("Lý", 0.5), ("Đinh", 0.6),
    ("Trịnh", 0.5), ("Đoàn", 0.5), ("Lương", 0.4), ("Mai", 0.4), ("Cao", 0.3), ("Lâm", 0.3),
    ("Hà", 0.3), ("Trương", 0.4), ("Tạ", 0.2), ("Quách", 0.1), ("Lò", 0.1), ("Hứa", 0.1),
)  # fmt: skip

MIDDLE_NAMES: dict[str, tuple[str, ...]] = {
    "male": (
        "Văn", "Văn", "Văn", "Hữu", "Đức", "Minh", "Quốc", "Thành", "Xuân", "Công", "Đình",
        "Quang", "Thế", "Tấn", "Hoàng", "Hải", "Bảo", "Gia", "Trọng", "Anh",
    ),
    "female": (
        "Thị", "Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Thùy", "Mỹ", "Bích",
        "Hồng", "Minh", "Phương", "Khánh", "Bảo", "Diệu", "Hoài", "Thảo",
    ),
}  # fmt: skip

#: Given names beyond Faker's, by gender.
GIVEN_NAMES: dict[str, tuple[str, ...]] = {
    "male": (
        "An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hiếu", "Hùng", "Khánh", "Long", "Lộc",
        "Nghĩa", "Phong", "Quân", "Sơn", "Thắng", "Toàn", "Tuấn", "Việt", "Vinh", "Thịnh",
        "Đông", "Kiên", "Lâm", "Tài", "Thái", "Trí", "Tiến", "Hậu", "Duy",
    ),
    "female": (
        "Anh", "Châu", "Dung", "Giang", "Hà", "Hằng", "Hạnh", "Hiền", "Huyền", "Loan",
        "Ngân", "Nhung", "Oanh", "Phương", "Quyên", "Trang", "Tuyết", "Uyên", "Vy", "Nga",
        "Thủy", "Trâm", "Nhi", "Hoa", "Liên", "Diệp", "Thư", "My",
    ),
}  # fmt: skip

#: Syllables commune and ward names are made of ("Phường Đông Sơn", "Xã Quảng Tâm").
PLACE_FIRST: tuple[str, ...] = (
    "Đông", "Tây", "Nam", "Bắc", "Quảng", "Hòa", "Tân", "Phú", "An", "Vĩnh", "Thạch", "Yên",
    "Hương", "Xuân", "Thanh", "Bình", "Hưng", "Long", "Mỹ", "Thuận", "Hải", "Kim", "Ngọc",
    "Trung", "Đại", "Minh", "Phước", "Lộc", "Thọ", "Cẩm", "Diễn", "Nghĩa", "Hồng", "Lạc",
    "Đức", "Quang", "Hoằng", "Tiên", "Triệu", "Cam",
)  # fmt: skip
PLACE_SECOND: tuple[str, ...] = (
    "Sơn", "Tâm", "Lộc", "Phú", "Hòa", "Thịnh", "Hưng", "Lợi", "Thành", "An", "Bình",
    "Xuân", "Hải", "Giang", "Lâm", "Điền", "Trung", "Tiến", "Đức", "Phong", "Khê", "Thủy",
    "Hà", "Ninh", "Định", "Tường", "Mỹ", "Nghĩa", "Quang", "Vinh", "Châu", "Hiệp", "Lạc",
    "Thuận", "Yên", "Phước",
)  # fmt: skip

COMPANY_FORMS: tuple[tuple[str, float], ...] = (
    ("Công ty TNHH", 45.0),
    ("Công ty TNHH MTV", 15.0),
    ("Công ty Cổ phần", 25.0),
    ("Doanh nghiệp tư nhân", 8.0),
    ("Hợp tác xã", 7.0),
)
COMPANY_TRADES: tuple[str, ...] = (
    "Thương mại", "Dịch vụ", "Thương mại Dịch vụ", "Xây dựng", "Nông sản", "Vận tải",
    "Du lịch", "Thủy sản", "Cơ khí", "Dược phẩm", "Công nghệ", "Đầu tư", "Xuất nhập khẩu",
    "Nông nghiệp", "Thực phẩm", "Môi trường",
)  # fmt: skip

EMAIL_DOMAINS: tuple[tuple[str, float], ...] = (
    ("gmail.com", 70.0),
    ("yahoo.com", 8.0),
    ("outlook.com", 6.0),
    ("hotmail.com", 4.0),
    ("vnpt.vn", 3.0),
    ("fpt.vn", 2.0),
)
COMPANY_EMAIL_TLDS: tuple[str, ...] = ("com.vn", "vn", "com")

#: Eleven-digit mobile prefixes retired in the 2018 renumbering (a planted fault: ID-003).
OLD_MOBILE_PREFIXES: tuple[str, ...] = (
    "0162", "0163", "0164", "0165", "0166", "0167", "0168", "0169", "0120", "0121", "0122",
    "0126", "0128", "0123", "0124", "0125", "0127", "0129", "0186", "0188", "0199",
)  # fmt: skip

#: Notes a clerk types for each status (`NoiDungXuLy`); OpenCPS often sends "".
STEP_NOTES: dict[str, tuple[str, ...]] = {
    "1": ("", "", "Công dân nộp hồ sơ trực tuyến"),
    "2": ("", "", "", "Tiếp nhận hồ sơ", "Đã tiếp nhận, hồ sơ đầy đủ"),
    "3": ("Hồ sơ không đủ điều kiện tiếp nhận", "Từ chối tiếp nhận: thiếu giấy tờ"),
    "4": ("", "", "Chuyển xử lý", "Chuyển chuyên viên thụ lý", "Đang thẩm định hồ sơ"),
    "5": ("Yêu cầu bổ sung giấy tờ", "Đề nghị bổ sung bản sao giấy tờ tùy thân"),
    "6": ("Yêu cầu thực hiện nghĩa vụ tài chính", "Thông báo nộp phí, lệ phí"),
    "9": ("", "", "Hoàn thành xử lý", "Đã ký duyệt kết quả"),
    "10": ("", "", "Trả kết quả", "Đã trả kết quả cho công dân"),
}

FILE_NAMES: tuple[str, ...] = (
    "don_de_nghi.pdf", "to_khai.pdf", "cccd_mat_truoc.jpg", "cccd_mat_sau.jpg",
    "giay_uy_quyen.pdf", "ban_sao_giay_khai_sinh.pdf", "hop_dong.pdf", "giay_xac_nhan.pdf",
)  # fmt: skip
DOCUMENT_PARTS: tuple[str, ...] = ("", "TP01", "TP02", "TP03")
