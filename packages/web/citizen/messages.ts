/** Text of the citizen app, in Vietnamese and English. */
import { commonMessages } from '../ui/i18n/common';
import { defineMessages, mergeMessages } from '../ui/i18n/dictionary';

const citizenOnly = defineMessages(
  {
    'app.title': 'CityOps Công dân — Thái Nguyên',
    'app.name': 'CityOps Công dân',
    'app.province': 'Tỉnh Thái Nguyên',
    'welcome.title': 'Xin chào!',
    'welcome.intro':
      'Đây là ứng dụng dành cho người dân và doanh nghiệp của Trung tâm giám sát, điều hành thông minh tỉnh Thái Nguyên.',
    'welcome.soon': 'Sắp tới, bạn có thể:',
    'welcome.report':
      'Gửi phản ánh hiện trường (đường hỏng, đèn tắt, rác thải…) kèm ảnh và vị trí.',
    'welcome.follow': 'Theo dõi cơ quan nào đang xử lý phản ánh của bạn và kết quả.',
    'welcome.map': 'Xem bản đồ công cộng: trường học, trạm y tế, đội cứu hỏa và các điểm dịch vụ.',
    'welcome.alerts': 'Nhận thông báo khẩn cấp của chính quyền địa phương.',
    'welcome.mapLink': 'Xem bản đồ công cộng',
    'welcome.install': 'Bạn có thể cài ứng dụng này lên màn hình chính của điện thoại.',
    'welcome.staff': 'Cán bộ điều hành? Vào hệ thống điều hành',
    'map.title': 'Bản đồ công cộng',
    'map.soon': 'Bản đồ công cộng đang được xây dựng và sẽ sớm có mặt tại đây.',
    'map.back': 'Về trang đầu',
    'offline.note': 'Bạn đang ngoại tuyến; đang hiển thị bản đã lưu.',
  },
  {
    'app.title': 'CityOps for citizens — Thái Nguyên',
    'app.name': 'CityOps for citizens',
    'app.province': 'Thái Nguyên province',
    'welcome.title': 'Welcome!',
    'welcome.intro':
      'This is the app for residents and businesses of the Intelligent Operations Center of Thái Nguyên province.',
    'welcome.soon': 'Soon you will be able to:',
    'welcome.report':
      'Report a problem you see (broken road, dark street light, litter…) with a photo and its location.',
    'welcome.follow': 'Follow which agency is handling your report, and the result.',
    'welcome.map': 'See the public map: schools, clinics, fire stations and service points.',
    'welcome.alerts': 'Receive emergency notices from the local government.',
    'welcome.mapLink': 'Open the public map',
    'welcome.install': 'You can install this app on your phone’s home screen.',
    'welcome.staff': 'Operations staff? Open the operations console',
    'map.title': 'Public map',
    'map.soon': 'The public map is being built and will be here soon.',
    'map.back': 'Back to the start',
    'offline.note': 'You are offline; showing the saved copy.',
  },
);

export const citizenMessages = mergeMessages(commonMessages, citizenOnly);
export type CitizenKey = keyof typeof citizenMessages.vi;
